// A layered drawing of one contractor's network, by hand in SVG (no library to download on
// a poor connection). Supply chains are directed and shallow (recruiter -> sub-contractor
// -> contractor -> principal employer), so layers read better than a force layout: each
// node sits at its distance from the contractor along the chains, employers above,
// recruiters below, and one barycentre pass each way keeps the lines from crossing much.

import { s } from "../dom.js";
import { icon } from "../icons.js";

const NODE_W = 164;
const NODE_H = 58;
const GAP_X = 18;
const GAP_Y = 58;
const PAD = 16;

/** Levels, rows and positions of ``net`` (GET /contractors/{id}/network). */
export function layout(net) {
  const start = `contractor:${net.contractor.id}`;
  const level = new Map([[start, 0]]);
  for (const chain of net.up) chain.forEach((node, i) => level.has(node) || level.set(node, i));
  for (const chain of net.down) chain.forEach((node, i) => level.has(node) || level.set(node, -i));
  const edges = net.links
    .map((link) => [`contractor:${link.contractor_id}`, `${link.supplies_to_kind}:${link.supplies_to_id}`])
    .filter(([a, b]) => level.has(a) && level.has(b));

  const levels = [...new Set(level.values())].sort((a, b) => b - a); // top row first
  const rows = levels.map((lv) => [...level.keys()].filter((node) => level.get(node) === lv));
  const neighbours = new Map([...level.keys()].map((node) => [node, []]));
  for (const [a, b] of edges) {
    neighbours.get(a).push(b);
    neighbours.get(b).push(a);
  }
  const order = new Map();
  const place = (row) => row.forEach((node, i) => order.set(node, i - (row.length - 1) / 2));
  rows.forEach(place);
  // Barycentre sweeps: sort each row by the mean position of its neighbours in the row
  // above (downwards), then in the row below (upwards).
  const sweep = (sequence, previous) => {
    for (const r of sequence) {
      const others = new Set(rows[previous(r)] || []);
      const centre = (node) => {
        const near = neighbours.get(node).filter((n) => others.has(n));
        return near.length ? near.reduce((sum, n) => sum + order.get(n), 0) / near.length : order.get(node);
      };
      rows[r].sort((a, b) => centre(a) - centre(b));
      place(rows[r]);
    }
  };
  const indices = rows.map((_, i) => i);
  sweep(indices.slice(1), (r) => r - 1);
  sweep(indices.slice(0, -1).reverse(), (r) => r + 1);

  const widest = Math.max(...rows.map((row) => row.length));
  const width = PAD * 2 + widest * NODE_W + (widest - 1) * GAP_X;
  const height = PAD * 2 + rows.length * NODE_H + (rows.length - 1) * GAP_Y;
  const at = new Map();
  rows.forEach((row, r) => {
    const rowWidth = row.length * NODE_W + (row.length - 1) * GAP_X;
    const left = (width - rowWidth) / 2;
    row.forEach((node, i) => at.set(node, { x: left + i * (NODE_W + GAP_X), y: PAD + r * (NODE_H + GAP_Y) }));
  });
  return { start, rows, edges, at, width, height };
}

/** The SVG of ``net``; ``onSelect(nodeId)`` runs when a box is clicked or pressed. */
export function drawNetwork(net, members, onSelect, label) {
  const { start, edges, at, width, height } = layout(net);
  const svg = s("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    class: "network",
    role: "group",
    "aria-label": label,
  });
  svg.append(
    s(
      "defs",
      {},
      s(
        "marker",
        { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
        s("path", { d: "M0 0 10 5 0 10z", class: "arrow-head" }),
      ),
    ),
  );
  const lines = s("g", { class: "links", "aria-hidden": "true" });
  for (const [a, b] of edges) {
    const p = at.get(a);
    const q = at.get(b);
    const x1 = p.x + NODE_W / 2;
    const x2 = q.x + NODE_W / 2;
    // from the supplying contractor's box to the box it supplies, edge to edge
    const up = q.y < p.y;
    const y1 = up ? p.y : p.y + NODE_H;
    const y2 = up ? q.y + NODE_H : q.y;
    const mid = (y1 + y2) / 2;
    lines.append(
      s("path", {
        d: `M${x1} ${y1} C${x1} ${mid} ${x2} ${mid} ${x2} ${y2}`,
        class: "link",
        "marker-end": "url(#arrow)",
        "data-from": a,
        "data-to": b,
      }),
    );
  }
  svg.append(lines);
  for (const [node, { x, y }] of at) {
    const member = members.get(node) || { id: node.split(":")[1], kind: node.split(":")[0] };
    const classes = ["node", `node-${member.kind}`];
    if (member.flagged) classes.push("flagged");
    if (node === start) classes.push("centre");
    const g = s("g", {
      class: classes.join(" "),
      transform: `translate(${x} ${y})`,
      tabindex: 0,
      role: "button",
      "aria-pressed": "false",
      "aria-label": member.ariaLabel || member.name || member.id,
      "data-node": node,
    });
    g.append(
      s("rect", { width: NODE_W, height: NODE_H, rx: 10, class: "node-box" }),
      s("text", { x: 12, y: 23, class: "node-name" }, truncate(member.name || member.id, member.flagged ? 16 : 19)),
      s("text", { x: 12, y: 44, class: "node-meta" }, member.meta || member.id),
    );
    if (member.flagged) {
      const flag = icon("flag", { size: 18, cls: "node-flag" });
      flag.setAttribute("x", NODE_W - 26);
      flag.setAttribute("y", 8);
      g.append(flag);
    }
    const choose = () => onSelect(node);
    g.addEventListener("click", choose);
    g.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose();
      }
    });
    svg.append(g);
  }
  return svg;
}

/** Mark ``node`` chosen and light the lines that touch it. */
export function highlight(svg, node) {
  for (const g of svg.querySelectorAll(".node")) {
    const on = g.dataset.node === node;
    g.classList.toggle("selected", on);
    g.setAttribute("aria-pressed", String(on));
  }
  for (const path of svg.querySelectorAll(".link")) {
    path.classList.toggle("lit", path.dataset.from === node || path.dataset.to === node);
  }
}

function truncate(text, n) {
  const chars = [...String(text)];
  return chars.length > n ? `${chars.slice(0, n - 1).join("")}…` : chars.join("");
}
