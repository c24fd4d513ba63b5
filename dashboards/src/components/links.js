// Links between the site's pages that work on any static web server (nginx, IIS,
// `python3 -m http.server`): every page is a file, so a link names it with its .html, as
// Framework writes the sidebar and Markdown links (preserveExtension in observablehq.config.js).
// Every href a page or component builds in JavaScript goes through pageHref.

/**
 * A page's relative link with its file name: "./units/411002" → "./units/411002.html",
 * "../schools#CODE" → "../schools.html#CODE", a folder "./units/" → "./units/index.html";
 * a link to the same page ("#CODE") or to a file with an extension stays as it is.
 */
export function pageHref(path) {
  const [, page, rest] = /^([^?#]*)(.*)$/s.exec(path);
  if (page === "" || /\.[A-Za-z0-9]+$/.test(page.slice(page.lastIndexOf("/") + 1))) return path;
  return page.endsWith("/") ? `${page}index.html${rest}` : `${page}.html${rest}`;
}
