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
#[cfg(target_os = "linux")]
pub fn configure_environment() {
    const SETTINGS: [(&str, &str); 2] = [
        ("JSC_useJIT", "false"),
        ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    ];
    for (name, value) in SETTINGS {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
        }
    }
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
