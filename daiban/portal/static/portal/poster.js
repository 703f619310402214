// The village poster's 打印 button (portal/directory/poster.html): no inline script, so a strict
// Content-Security-Policy can allow this file alone.
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
