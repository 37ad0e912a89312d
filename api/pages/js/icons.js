// Inline SVG icons (24x24, drawn with strokes), one per kind of event and a few for the
// interface. Inline, so the pages need no icon font and no extra request.

import { s } from "./dom.js";

const PATHS = {
  registration: ["M3 5h18v14H3z", "M7 15c.6-1.8 1.8-2.7 3-2.7s2.4.9 3 2.7", "M8.3 10a1.7 1.7 0 1 0 3.4 0a1.7 1.7 0 1 0-3.4 0", "M15 9h3M15 12h3"],
  move: ["M3 12h14", "M13 6l6 6-6 6", "M3 6v12"],
  employment: ["M3 8h18v12H3z", "M8 8V5h8v3", "M3 13h18"],
  contractor: ["M5 7a4 4 0 1 0 8 0a4 4 0 1 0-8 0", "M2 21a7 7 0 0 1 14 0", "M16 11l2 2 4-4"],
  grievance: ["M12 3 2 21h20z", "M12 10v5", "M12 18v.5"],
  service: ["M12 20s-7-4.4-9-8.6C1.5 8 3.6 5 6.6 5c2 0 3.4 1.2 5.4 3.2C14 6.2 15.4 5 17.4 5c3 0 5.1 3 3.6 6.4-2 4.2-9 8.6-9 8.6z"],
  home: ["M3 11l9-8 9 8", "M5 10v10h5v-6h4v6h5V10"],
  place: ["M12 21s-7-6.2-7-11a7 7 0 0 1 14 0c0 4.8-7 11-7 11z", "M10 10a2 2 0 1 0 4 0a2 2 0 1 0-4 0"],
  search: ["M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13z", "M15.5 15.5 21 21"],
  network: ["M12 3v6", "M12 9 5 15M12 9l7 6", "M10 3h4M3 15h4v4H3zM17 15h4v4h-4z"],
  calendar: ["M3 5h18v16H3z", "M3 10h18", "M8 3v4M16 3v4"],
  review: ["M3 4h7v16H3zM14 4h7v16h-7z", "M5 9h3M16 9h3M5 13h3M16 13h3"],
  flag: ["M5 21V4", "M5 4h12l-2 4 2 4H5"],
  language: ["M3 5h10", "M8 3v2", "M5 5c1 4 4 7 7 8", "M11 5c-1 4-4 7-7 8", "M13 21l4-10 4 10", "M14.5 17h5"],
};
/** An icon as an <svg> element; decorative (aria-hidden) unless given a label. */
export function icon(name, { size = 20, label = null, cls = "icon" } = {}) {
  const svg = s("svg", {
    viewBox: "0 0 24 24",
    width: size,
    height: size,
    class: cls,
    fill: "none",
    stroke: "currentColor",
    "stroke-width": 2,
    "stroke-linecap": "round",
    "stroke-linejoin": "round",
    "aria-hidden": label ? null : "true",
    role: label ? "img" : null,
    "aria-label": label,
    focusable: "false",
  });
  for (const d of PATHS[name] || []) svg.append(s("path", { d }));
  return svg;
}
