//! The window's WebKitGTK settings, chosen by measuring memory (issue 26,
//! `bench/memory.sh`): the page is drawn without hardware acceleration.
//! In accelerated compositing mode the web process held about 190 MiB more
//! after visiting every section (370 → 186 MiB PSS, debug build, Xvfb) and
//! the first paint came later; forms, tables and the SVG map need no GPU.
//! Measured too: WebKitGTK's environment variable that disables compositing
//! for the whole process (the same web process, but the app's own pages
//! 43 → 74 MiB), the cache model «document viewer» and the page cache off
//! (nothing beyond the noise): not used.

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
