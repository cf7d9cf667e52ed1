// Quartier's city map: districts, hotspots and ideas; optionally a place picker for a new idea.
// Configuration comes from a json_script element; all text comes from data-* attributes so that
// it is translated by Django like every other string.
(function () {
  "use strict";

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  // Ray casting on a GeoJSON polygon ring; enough to tell the user which district a point is in.
  function inRing(lon, lat, ring) {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }
  function inPolygon(lon, lat, rings) {
    if (!inRing(lon, lat, rings[0])) return false;
    return !rings.slice(1).some((hole) => inRing(lon, lat, hole));
  }
  function districtAt(lat, lon, districts) {
    for (const feature of districts) {
      const g = feature.geometry;
      const polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
      if (polygons.some((rings) => inPolygon(lon, lat, rings))) return feature.properties.name;
    }
    return null;
  }

  // The legend beside the map (core/_map_legend.html) names these colours as text: keep both equal.
  const KIND_COLOURS = {
    social: "#b3261e", ecological: "#1e6b34", technological: "#0b5cad",
    entrepreneurial: "#7a4b00", cultural: "#6a1b9a",
  };

  function initMap(element) {
    const config = JSON.parse(document.getElementById(element.dataset.config).textContent);
    const text = element.dataset;
    const status = document.getElementById(element.dataset.status);
    const say = (message) => { if (status) status.textContent = message; };

    // Leaflet's own controls speak English: they are built here with the page's translated text.
    const map = L.map(element, { keyboard: true, scrollWheelZoom: false, zoomControl: false })
      .setView(config.centre, config.zoom);
    element.setAttribute("role", "application");
    element.setAttribute("aria-label", text.label);
    L.control.zoom({ zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
    map.attributionControl.setPrefix(
      '<a href="https://leafletjs.com" title="' + escapeHtml(text.leafletTitle) + '">Leaflet</a>');
    // Shapes and markers are not tab stops: a city has dozens, and the lists beside the map
    // (districts, hotspots, ideas) are the keyboard way. Chromium makes an SVG path focusable
    // as soon as it has a focus listener (Leaflet's tooltips add one), and Leaflet gives
    // markers (also markercluster's cluster icons) tabindex 0 unless told otherwise.
    map.on("layeradd", (event) => {
      const layer = event.layer;
      const el = typeof layer.getElement === "function" && layer.getElement();
      if (!el) return;
      if (layer instanceof L.Marker) {
        layer.options.keyboard = false; // also for the icon re-created when a cluster changes
        if (el.getAttribute("role") === "button") el.removeAttribute("role");
        el.removeAttribute("tabindex");
      } else if (el instanceof SVGElement) {
        el.setAttribute("tabindex", "-1");
      }
    });
    map.on("popupopen", (event) => {
      const close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", text.closePopup);
    });

    const tiles = L.tileLayer(config.tileUrl, {
      maxZoom: 19,
      attribution: config.tileAttribution + (config.dataAttribution ? " | " + escapeHtml(config.dataAttribution) : ""),
    });
    // A separate notice, so that it never overwrites what the status line tells the user.
    const tileNotice = document.getElementById(element.dataset.tileNotice);
    tiles.on("tileerror", () => {
      if (tileNotice && !tileNotice.textContent) tileNotice.textContent = text.tilesFailed;
    });
    tiles.addTo(map);

    const overlays = {};
    const control = L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    // Never collapsed: no popup, and the list of layers is a named group of checkboxes.
    const layersContainer = control.getContainer();
    layersContainer.removeAttribute("aria-haspopup");
    const layersList = layersContainer.querySelector(".leaflet-control-layers-list");
    layersList.setAttribute("role", "group");
    layersList.setAttribute("aria-label", text.layers);
    const layersToggle = layersContainer.querySelector(".leaflet-control-layers-toggle");
    if (layersToggle) {
      layersToggle.title = text.layers;
      layersToggle.setAttribute("aria-label", text.layers);
    }
    let districtFeatures = null; // null until loaded: a place typed earlier is announced then

    fetch(config.districtsUrl).then((r) => r.json()).then((data) => {
      districtFeatures = data.features;
      const layer = L.geoJSON(data, {
        style: { color: "#08427d", weight: 2, fillOpacity: 0.05, className: "map-district" },
        // When picking a place, a click anywhere (also inside a district) must place the idea.
        interactive: !element.dataset.pick,
        onEachFeature: (feature, lyr) => {
          const p = feature.properties;
          lyr.bindTooltip(escapeHtml(p.name));
          lyr.bindPopup("<strong>" + escapeHtml(p.name) + "</strong><br>" +
            escapeHtml(text.population) + ": " + (p.population != null ? p.population.toLocaleString() : "–"));
        },
      }).addTo(map);
      control.addOverlay(layer, text.districts);
      if (element.quartierShowPlace) element.quartierShowPlace();
    }).catch(() => say(text.loadFailed));

    if (element.dataset.focusLat) {
      // One idea's place: a marker and its surroundings, without loading the whole city.
      const focus = [parseFloat(element.dataset.focusLat), parseFloat(element.dataset.focusLon)];
      map.setView(focus, 15);
      const title = element.dataset.focusTitle;
      L.marker(focus, { keyboard: false, title: title, alt: title }).addTo(map)
        .bindTooltip(escapeHtml(title), { permanent: false });
    } else if (!element.dataset.pick) {
      // A map of other points (a vote's proposals) leaves out the hotspots (no hotspotsUrl)
      // and brings its points along (ideasData) instead of fetching the ideas.
      if (config.hotspotsUrl) fetch(config.hotspotsUrl).then((r) => r.json()).then((data) => {
        const located = { type: "FeatureCollection", features: data.features.filter((f) => f.geometry) };
        const layer = L.geoJSON(located, {
          pointToLayer: (feature, latlng) => L.circleMarker(latlng, {
            radius: 8, color: "#1b1f24", weight: 2, fillColor: "#ffbf47", fillOpacity: 0.9,
          }),
          onEachFeature: (feature, lyr) => {
            const p = feature.properties;
            lyr.bindPopup("<strong>" + escapeHtml(p.name) + "</strong><br>" + escapeHtml(p.kind_label) +
              (p.address ? "<br>" + escapeHtml(p.address) : ""));
          },
        }).addTo(map);
        control.addOverlay(layer, text.hotspots);
      }).catch(() => say(text.loadFailed));

      const points = config.ideasData ? Promise.resolve(config.ideasData)
        : fetch(config.ideasUrl).then((r) => r.json());
      points.then((data) => {
        const cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
        const markers = data.features.map((feature) => {
          const [lon, lat] = feature.geometry.coordinates;
          const p = feature.properties;
          const marker = L.circleMarker([lat, lon], {
            radius: 7, color: "#fff", weight: 2, fillColor: KIND_COLOURS[p.kind] || "#0b5cad", fillOpacity: 1,
          });
          const url = config.ideaUrlTemplate.replace("/0/", "/" + feature.id + "/");
          marker.bindPopup('<a href="' + url + '">' + escapeHtml(p.title) + "</a><br>" + escapeHtml(p.district));
          return marker;
        });
        cluster.addLayers(markers);
        cluster.addTo(map);
        element.quartierIdeaLayer = cluster;
        control.addOverlay(cluster, text.ideas);
        say(text.ideasLoaded.replace("%s", String(markers.length)));
        element.dataset.ideaCount = String(markers.length);
      }).catch(() => say(text.loadFailed));
    }

    if (element.dataset.pick) {
      const latInput = document.getElementById(element.dataset.latInput);
      const lonInput = document.getElementById(element.dataset.lonInput);
      let marker = null;
      let announceWhenLoaded = false;
      // The marker and the status line, the same for a click, Enter on the map and typing.
      const show = (lat, lon) => {
        if (marker) marker.setLatLng([lat, lon]);
        else marker = L.marker([lat, lon], { keyboard: false, alt: text.chosenPlace }).addTo(map);
        if (!districtFeatures) { announceWhenLoaded = true; return; }
        const district = districtAt(lat, lon, districtFeatures);
        say(district ? text.placedIn.replace("%s", district) : text.placedOutside);
      };
      const place = (latlng) => {
        const lat = Math.round(latlng.lat * 1e6) / 1e6;
        const lon = Math.round(latlng.lng * 1e6) / 1e6;
        latInput.value = lat;
        lonInput.value = lon;
        show(lat, lon);
      };
      element.quartierShowPlace = () => {
        if (announceWhenLoaded && marker) {
          announceWhenLoaded = false;
          const at = marker.getLatLng();
          show(at.lat, at.lng);
        }
      };
      map.on("click", (event) => place(event.latlng));
      // Keyboard: arrows pan the map (Leaflet), Enter or Space places the idea at the centre.
      element.addEventListener("keydown", (event) => {
        if ((event.key === "Enter" || event.key === " ") && event.target === element) {
          event.preventDefault();
          place(map.getCenter());
        }
      });
      // Typed coordinates: a decimal comma ("51,5136") is a decimal, as on the server
      // (ideas.forms.CoordinateField); anything else that is not a plain number is refused.
      const parse = (value, limit) => {
        const typed = value.trim();
        if (!/^[+-]?[0-9]{1,3}([.,][0-9]{1,20})?$/.test(typed)) return null;
        const number = Number(typed.replace(",", "."));
        return Math.abs(number) <= limit ? number : null;
      };
      // Also when the form comes back with values (an error, or editing an idea).
      const fromInputs = () => {
        if (!latInput.value.trim() || !lonInput.value.trim()) return;
        const lat = parse(latInput.value, 90);
        const lon = parse(lonInput.value, 180);
        if (lat === null || lon === null) {
          say(text.coordinatesInvalid);
          return;
        }
        if (!map.getBounds().contains([lat, lon])) map.panTo([lat, lon]);
        show(lat, lon);
      };
      latInput.addEventListener("change", fromInputs);
      lonInput.addEventListener("change", fromInputs);
      fromInputs();
    }
    return map;
  }

  document.querySelectorAll("[data-quartier-map]").forEach((element) => {
    if (typeof L === "undefined") return; // Leaflet failed to load: the list alternative remains.
    element.quartierMap = initMap(element);
  });
})();
