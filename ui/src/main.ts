// First: the first screen's data is asked for while the rest is set up.
import { firstScreenSettled } from "./lib/firstScreen";
import "@fontsource/titillium-web/400.css";
import "@fontsource/titillium-web/600.css";
import "@fontsource/titillium-web/700.css";
import "./app.css";
import { mount } from "svelte";
import App from "./App.svelte";

// The page is built once its first screen's data and fonts are in, and
// drawn once: not first a frame without them, then again.
void firstScreenSettled().then(() => {
  mount(App, { target: document.getElementById("app")! });
});
