// The teacher's link: this page's link, with the panels ticked hidden and, if ticked, training on load; and the
// hiding itself, when the page opens from such a link.
import { $ } from "./page.js";

export function hidePanels(names) {  // a teacher's link shows only what the lesson needs, and not the sharing itself
  for (const name of names) for (const panel of document.querySelectorAll(`[data-panel="${CSS.escape(name)}"]`)) panel.hidden = true;
  if (names.includes("tabs")) document.querySelector("nav").hidden = true;
  if (names.length) $("lesson").hidden = true;
}

function lessonLink() {
  const link = new URLSearchParams(location.hash.slice(1));
  const hide = [...document.querySelectorAll("#lesson-hide input[value]:checked")].map((box) => box.value);
  link.delete("hide");
  link.delete("play");
  if (hide.length) link.set("hide", hide.join(","));
  if ($("lesson-play").checked) link.set("play", "");
  return `${location.origin}${location.pathname}#${link}`;
}

function showLessonLink() { $("lesson-link").value = lessonLink(); $("lesson-status").textContent = ""; }

document.addEventListener("linkchange", showLessonLink);  // the lesson link follows the page, whichever view it shows
$("lesson").addEventListener("toggle", showLessonLink);
$("lesson").addEventListener("change", showLessonLink);
$("lesson-link").addEventListener("focus", showLessonLink);
$("lesson-copy").onclick = async () => {
  showLessonLink();
  try {
    await navigator.clipboard.writeText($("lesson-link").value);
    $("lesson-status").textContent = "copied";
  } catch {
    $("lesson-link").select();  // no clipboard here: the link is selected for Ctrl-C
    $("lesson-status").textContent = "selected: press Ctrl-C";
  }
};
