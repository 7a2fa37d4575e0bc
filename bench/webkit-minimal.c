/* The floor of the start: a minimal C program that shows one WebKitGTK view
 * (the same WebKitGTK 4.1 the app uses, with the app's settings: no hardware
 * acceleration, JavaScript interpreted, no DMA-BUF renderer) and quits as soon
 * as its page has painted (two animation frames, then a message to the
 * program: what the app's `app_ready` does). It prints the ms since the
 * launch (MINIMAL_LAUNCHED_AT, µs since the epoch, given by
 * bench/webkit-minimal.sh) of each step. No Rust, Tauri or archive: what
 * WebKitGTK alone costs on this machine, to compare with bench/startup.sh.
 * Built and run by bench/webkit-minimal.sh. */
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>
#include <webkit2/webkit2.h>

static gint64 launched_at;
static GString *timeline;

static void step(const char *name) {
  gint64 now = g_get_real_time();
  g_string_append_printf(timeline, " %s=%" G_GINT64_FORMAT, name, (now - launched_at) / 1000);
}

static void on_load(WebKitWebView *view, WebKitLoadEvent event, gpointer data) {
  (void)view;
  (void)data;
  if (event == WEBKIT_LOAD_STARTED) step("page_started");
  if (event == WEBKIT_LOAD_FINISHED) step("page_loaded");
}

static void on_painted(WebKitUserContentManager *manager, WebKitJavascriptResult *result, gpointer data) {
  (void)manager;
  (void)result;
  (void)data;
  step("ready");
  gint64 now = g_get_real_time();
  printf("ready_ms=%" G_GINT64_FORMAT " timeline:%s\n", (now - launched_at) / 1000, timeline->str);
  fflush(stdout);
  exit(0);
}

int main(int argc, char **argv) {
  const char *at = getenv("MINIMAL_LAUNCHED_AT");
  launched_at = at ? g_ascii_strtoll(at, NULL, 10) : g_get_real_time();
  timeline = g_string_new(NULL);
  step("main");
  setenv("JSC_useJIT", "false", 0);
  setenv("WEBKIT_DISABLE_DMABUF_RENDERER", "1", 0);
  gtk_init(&argc, &argv);
  step("gtk");

  WebKitUserContentManager *manager = webkit_user_content_manager_new();
  g_signal_connect(manager, "script-message-received::painted", G_CALLBACK(on_painted), NULL);
  webkit_user_content_manager_register_script_message_handler(manager, "painted");
  GtkWidget *view = webkit_web_view_new_with_user_content_manager(manager);
  WebKitSettings *settings = webkit_web_view_get_settings(WEBKIT_WEB_VIEW(view));
  webkit_settings_set_hardware_acceleration_policy(settings, WEBKIT_HARDWARE_ACCELERATION_POLICY_NEVER);
  g_signal_connect(view, "load-changed", G_CALLBACK(on_load), NULL);

  GtkWidget *window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
  gtk_window_set_default_size(GTK_WINDOW(window), 1280, 800);
  gtk_container_add(GTK_CONTAINER(window), view);
  gtk_widget_show_all(window);
  step("window");

  webkit_web_view_load_html(WEBKIT_WEB_VIEW(view),
                            "<!doctype html><html lang=it><body><h1>Cruscotto</h1><p>Una pagina minima.</p>"
                            "<script>requestAnimationFrame(() => requestAnimationFrame(() => "
                            "window.webkit.messageHandlers.painted.postMessage('')));</script></body></html>",
                            "about:blank");
  gtk_main();
  return 0;
}
