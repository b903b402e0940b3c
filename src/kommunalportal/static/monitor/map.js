/*
 * The choropleth map of Hessen on /monitor/karte/ (Leaflet, loaded before this module as the global `L`).
 *
 * No tiles and no other site: the official boundaries come from the portal (cached by version), the values of
 * the chosen indicator and level from werte.json, which also names each commune's class and the legend's
 * texts in the page's language. Every commune is a link in the tab order (role "link", its name and value as
 * label, Enter opens its page); the table page shows the same data without a map.
 */

// ColorBrewer YlGnBu, sequential and safe for colour-blind readers, in its variants for 1 to 5 classes.
const PALETTES = {
  1: ["#41b6c4"],
  2: ["#a1dab4", "#2c7fb8"],
  3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
  4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
  5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
};
// Each outline has a contrast of at least 3:1 with its own fill: dark on the light fills, white on the darkest.
const OUTLINE_DARK = "#1a1a1a";
const OUTLINE_LIGHT = "#ffffff";
const LIGHT_OUTLINED = new Set(["#225ea8", "#253494"]);
const HATCH_ID = "kp-map-no-value";
const OUTLINE_WEIGHT = { gemeinden: 0.8, kreise: 1.5 };

const config = JSON.parse(document.getElementById("kp-map-config").textContent);
const container = document.getElementById("kp-map");
const form = document.getElementById("kp-map-form");
const title = document.getElementById("kp-map-title");
const description = document.getElementById("kp-map-description");
const tableLink = document.getElementById("kp-map-table-link");
const legendBox = document.getElementById("kp-map-legend-box");
const legend = document.getElementById("kp-map-legend");
const status = document.getElementById("kp-map-status");

const shapesCache = new Map();
let map = null;
let layer = null;
let highlight = null;
let request = 0;

function choice() {
  const data = new FormData(form);
  return { indikator: String(data.get("indikator")), ebene: String(data.get("ebene")) };
}

async function fetchJson(url, accept) {
  const response = await fetch(url, { headers: { Accept: accept }, credentials: "same-origin" });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error((body && body.error) || config.text.failed);
  }
  return body;
}

function shapesOf(level) {
  if (!shapesCache.has(level)) {
    const loading = fetchJson(config.shapesUrls[level], "application/geo+json");
    loading.catch(() => shapesCache.delete(level));
    shapesCache.set(level, loading);
  }
  return shapesCache.get(level);
}

function styleOf(entry, palette, level) {
  const weight = OUTLINE_WEIGHT[level] || 1;
  if (!entry || entry.class === null) {
    return { fillColor: `url(#${HATCH_ID})`, fillOpacity: 1, color: OUTLINE_DARK, weight, opacity: 1 };
  }
  const fill = palette[entry.class];
  const outline = LIGHT_OUTLINED.has(fill) ? OUTLINE_LIGHT : OUTLINE_DARK;
  return { fillColor: fill, fillOpacity: 1, color: outline, weight, opacity: 1 };
}

function labelOf(feature, entry) {
  if (!entry) {
    return { name: feature.properties.name, detail: config.text.noValue };
  }
  const name = entry.district ? `${entry.name} (${entry.district})` : entry.name;
  return { name, detail: entry.display };
}

function tooltipOf(label) {
  const box = document.createElement("div");
  const name = document.createElement("strong");
  name.textContent = label.name;
  box.append(name, document.createElement("br"), label.detail);
  return box;
}

function ensureHatch() {
  const svg = container.querySelector(".leaflet-overlay-pane svg");
  if (!svg || svg.getElementById(HATCH_ID)) {
    return;
  }
  const ns = "http://www.w3.org/2000/svg";
  const defs = document.createElementNS(ns, "defs");
  const pattern = document.createElementNS(ns, "pattern");
  pattern.setAttribute("id", HATCH_ID);
  pattern.setAttribute("patternUnits", "userSpaceOnUse");
  pattern.setAttribute("width", "6");
  pattern.setAttribute("height", "6");
  pattern.setAttribute("patternTransform", "rotate(45)");
  const ground = document.createElementNS(ns, "rect");
  ground.setAttribute("width", "6");
  ground.setAttribute("height", "6");
  ground.setAttribute("fill", "#ffffff");
  const line = document.createElementNS(ns, "rect");
  line.setAttribute("width", "2");
  line.setAttribute("height", "6");
  line.setAttribute("fill", "#767676");
  pattern.append(ground, line);
  defs.append(pattern);
  svg.prepend(defs);
}

function unhighlight() {
  if (highlight) {
    highlight.remove();
    highlight = null;
  }
}

// A halo drawn above all shapes: moving the shape itself to the front would change the tab order.
function highlightOf(featureLayer) {
  unhighlight();
  const options = (style) => ({ pane: "kp-highlight", interactive: false, style: { ...style, fill: false } });
  highlight = L.layerGroup([
    L.geoJSON(featureLayer.feature, options({ color: "#ffffff", weight: 7, opacity: 1 })),
    L.geoJSON(featureLayer.feature, options({ color: "#000000", weight: 3, opacity: 1 })),
  ]).addTo(map);
}

function open(entry) {
  window.location.assign(entry.url);
}

function makeAccessible(featureLayer, entry, label) {
  const element = featureLayer.getElement();
  if (!element) {
    return;
  }
  element.dataset.key = featureLayer.feature.properties.key;
  element.classList.add("kp-map__feature");
  if (!entry) {
    element.classList.add("kp-map__feature--inert");
    return;
  }
  element.setAttribute("tabindex", "0");
  element.setAttribute("role", "link");
  element.setAttribute("aria-label", `${label.name}: ${label.detail}`);
  element.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      open(entry);
    }
  });
  element.addEventListener("focus", () => {
    const bounds = featureLayer.getBounds();
    if (!map.getBounds().contains(bounds)) {
      map.panTo(bounds.getCenter(), { animate: false });
    }
    highlightOf(featureLayer);
  });
  element.addEventListener("blur", unhighlight);
}

function draw(shapes, values, level) {
  const byKey = new Map(values.communes.map((entry) => [entry.key, entry]));
  const palette = PALETTES[values.classes.length] || [];
  unhighlight();
  if (layer) {
    layer.remove();
  }
  layer = L.geoJSON(shapes, {
    style: (feature) => styleOf(byKey.get(feature.properties.key), palette, level),
    onEachFeature: (feature, featureLayer) => {
      const entry = byKey.get(feature.properties.key);
      featureLayer.bindTooltip(tooltipOf(labelOf(feature, entry)), { sticky: true, direction: "top", offset: [0, -6] });
      featureLayer.on("mouseover", () => highlightOf(featureLayer));
      featureLayer.on("mouseout", unhighlight);
      if (entry) {
        featureLayer.on("click", () => open(entry));
      }
    },
  }).addTo(map);
  ensureHatch();
  layer.eachLayer((featureLayer) => {
    const entry = byKey.get(featureLayer.feature.properties.key);
    makeAccessible(featureLayer, entry, labelOf(featureLayer.feature, entry));
  });
  return palette;
}

function swatch(colour) {
  const element = document.createElement("span");
  element.className = "kp-legend__swatch";
  element.setAttribute("aria-hidden", "true");
  if (colour) {
    element.style.backgroundColor = colour;
  } else {
    element.classList.add("kp-legend__swatch--none");
  }
  return element;
}

function legendItem(colour, text, index) {
  const item = document.createElement("li");
  item.className = "kp-legend__item";
  if (index !== null) {
    item.dataset.class = String(index);
  }
  const label = document.createElement("span");
  label.textContent = text;
  item.append(swatch(colour), label);
  return item;
}

function showLegend(values, palette) {
  const items = values.classes.map((valueClass, index) => legendItem(palette[index], valueClass.text, index));
  items.push(legendItem(null, values.noValue.text, null));
  legend.replaceChildren(...items);
  legendBox.hidden = false;
}

function describe(values, selected) {
  title.textContent = values.caption;
  description.textContent = values.indicator.description;
  container.setAttribute("aria-label", values.caption);
  const query = new URLSearchParams(selected).toString();
  tableLink.href = `${config.tableUrl}?${query}`;
  window.history.replaceState(null, "", `?${query}`);
  status.textContent = `${values.caption}: ${values.summary}`;
}

async function show(selected) {
  const current = ++request;
  status.textContent = config.text.loading;
  container.setAttribute("aria-busy", "true");
  try {
    const query = new URLSearchParams(selected).toString();
    const [shapes, values] = await Promise.all([
      shapesOf(selected.ebene),
      fetchJson(`${config.valuesUrl}?${query}`, "application/json"),
    ]);
    if (current !== request) {
      return;
    }
    if (layer === null) {
      // Leaflet draws a layer only once the map has a view: fit it to Hessen first.
      const bounds = L.geoJSON(shapes).getBounds();
      map.fitBounds(bounds, { padding: [8, 8] });
      map.setMaxBounds(bounds.pad(0.4));
      map.setMinZoom(map.getZoom() - 1);
    }
    const palette = draw(shapes, values, selected.ebene);
    showLegend(values, palette);
    describe(values, selected);
  } catch (error) {
    if (current === request) {
      status.textContent = error.message || config.text.failed;
      legendBox.hidden = false;
    }
  } finally {
    if (current === request) {
      container.removeAttribute("aria-busy");
    }
  }
}

function start() {
  container.replaceChildren();
  map = L.map(container, {
    attributionControl: false,
    zoomControl: false,
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    maxZoom: 13,
    keyboard: true,
  });
  L.control.zoom({ zoomInTitle: config.text.zoomIn, zoomOutTitle: config.text.zoomOut }).addTo(map);
  // The zoom buttons come first in the tab order, not after the 422 communes (they are placed by CSS anyway).
  const controls = container.querySelector(".leaflet-control-container");
  if (controls) {
    container.prepend(controls);
  }
  const pane = map.createPane("kp-highlight");
  pane.style.zIndex = "450";
  pane.style.pointerEvents = "none";
  pane.setAttribute("aria-hidden", "true");
  // Focusing a commune outside the visible part would scroll the map's box; Leaflet moves the map instead.
  container.addEventListener("scroll", () => {
    container.scrollTop = 0;
    container.scrollLeft = 0;
  });
  for (const id of ["kp-map-help", "kp-map-skip"]) {
    document.getElementById(id).hidden = false;
  }
  form.addEventListener("change", () => show(choice()));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show(choice());
  });
  show(choice());
}

// Without Leaflet the page keeps its pointer to the table.
if (typeof L !== "undefined") {
  start();
}
