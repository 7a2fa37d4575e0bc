//! The window's WebKitGTK settings, chosen by measuring memory (issue 26,
//! `bench/memory.sh`): the page is drawn without hardware acceleration.
//! In accelerated compositing mode the web process held about 190 MiB more
//! after visiting every section (370 → 186 MiB PSS, debug build, Xvfb) and
//! the first paint came later; forms, tables and the SVG map need no GPU.
//! Measured too: WebKitGTK's environment variable that disables compositing
//! for the whole process (the same web process, but the app's own pages
//! 43 → 74 MiB), the cache model «document viewer» and the page cache off
//! (nothing beyond the noise): not used. The web process's memory-pressure
//! settings (a construct-only property of the `WebKitWebContext` that wry
//! builds; settable by wrapping the class's `constructed`): a limit of
//! 100 MB polled every second gave back about 10 MiB (143 → 133 MiB) for
//! 10% more CPU, and WebKit then purges its caches at every poll (font
//! caches included, whose refilling is known to grow the process): not used.

/// The environment WebKit reads when it starts its processes (the web
/// process inherits this one's), set first thing in `main` while the app has
/// one thread; a value the user set is kept. Measured with `bench/memory.sh`
/// (debug build of main, same run, PSS after visiting every section):
/// - `JSC_useJIT=false`: JavaScript interpreted, never compiled to machine
///   code. The web process held 180–195 → 148–152 MiB (its written pages
///   94–107 → 68–72 MiB); its CPU time over the whole visit grew about 10%
///   (4.2–4.4 → 4.65–4.7 s): the screens' scripts are short.
/// - `WEBKIT_DISABLE_DMABUF_RENDERER=1`: the window's content is not shared
///   as GPU buffers, which a page drawn without acceleration never uses:
///   296 → 288 MiB in all.
/// - `JSC_largeHeapSize=8388608`: the JavaScript heap is collected once
///   8 MiB were allocated since the last collection, not JavaScriptCore's
///   32 MiB (release build, same run, two runs each): the web process
///   148–150 → 140 MiB (written 64.6–64.8 → 55.0–55.6 MiB), for about 5%
///   more CPU in it over the whole visit (noise on the loaded machine:
///   4.38–5.47 → 4.61–5.94 s). 4 MiB gave no more.
#[cfg(target_os = "linux")]
pub fn configure_environment() {
    const SETTINGS: [(&str, &str); 3] = [
        ("JSC_useJIT", "false"),
        ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
        ("JSC_largeHeapSize", "8388608"),
    ];
    for (name, value) in SETTINGS {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
        }
    }
    keep_gl_out_of_this_process();
}

/// The app's own process draws nothing with OpenGL: the page is drawn by the
/// web process without acceleration and handed over as an image. Yet GTK
/// probes GLX and WebKit opens an EGL display in it, and each loads Mesa's
/// driver, which loads libLLVM: about 25 MiB of PSS in this process
/// (`bench/memory.sh`, release build, Xvfb, two runs each: the app
/// 104.3–105.2 → 80.0–80.5 MiB, in all 274.8–275.2 → 257.0–257.7 MiB; the
/// web process holds 7 MiB more, libLLVM's pages being its alone now). So, on an X11 session, GTK is told not to use GL
/// (`GDK_GL=disable`) and this process's EGL library finds no driver: it
/// reads where drivers are listed (`__EGL_VENDOR_LIBRARY_FILENAMES`) once,
/// at its first call, which is made here with the list pointing nowhere; the
/// variable is then removed, so the web process, started later and which
/// needs EGL (it stops without it), loads the driver as before. Not on
/// Wayland (not measured there), nor when the user set any of these.
#[cfg(target_os = "linux")]
fn keep_gl_out_of_this_process() {
    const VENDORS: &str = "__EGL_VENDOR_LIBRARY_FILENAMES";
    const EGL_EXTENSIONS: i32 = 0x3055;
    #[link(name = "EGL")]
    extern "C" {
        fn eglQueryString(display: *mut std::ffi::c_void, name: i32) -> *const std::ffi::c_char;
    }
    let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty())
        || std::env::var_os("GDK_BACKEND").is_some_and(|v| v != "x11");
    let user_set = ["GDK_GL", VENDORS, "__EGL_VENDOR_LIBRARY_DIRS"]
        .iter()
        .any(|name| std::env::var_os(name).is_some());
    if wayland || user_set {
        return;
    }
    std::env::set_var("GDK_GL", "disable");
    std::env::set_var(VENDORS, "/dev/null/no-egl-driver-in-the-app-process.json");
    // SAFETY: EGL's client-extensions query: no display, no state; it
    // returns a static string or null (no driver), which is not read.
    unsafe {
        eglQueryString(std::ptr::null_mut(), EGL_EXTENSIONS);
    }
    std::env::remove_var(VENDORS);
}

#[cfg(not(target_os = "linux"))]
pub fn configure_environment() {}

/// Applies the settings to the window's webview (on the main thread, as
/// soon as the webview exists).
#[cfg(target_os = "linux")]
pub fn lighten(window: &tauri::WebviewWindow) {
    let applied = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = WebViewExt::settings(&webview.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    if let Err(e) = applied {
        eprintln!("Impostazioni della finestra non applicate: {e}");
    }
}

#[cfg(not(target_os = "linux"))]
pub fn lighten(_window: &tauri::WebviewWindow) {}
