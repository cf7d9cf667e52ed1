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

    const map = L.map(element, { keyboard: true, scrollWheelZoom: false })
      .setView(config.centre, config.zoom);
    element.setAttribute("role", "application");
    element.setAttribute("aria-label", text.label);

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
    let districtFeatures = [];

    fetch(config.districtsUrl).then((r) => r.json()).then((data) => {
      districtFeatures = data.features;
      const layer = L.geoJSON(data, {
        style: { color: "#08427d", weight: 2, fillOpacity: 0.05 },
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
    }).catch(() => say(text.loadFailed));

    if (element.dataset.focusLat) {
      // One idea's place: a marker and its surroundings, without loading the whole city.
      const focus = [parseFloat(element.dataset.focusLat), parseFloat(element.dataset.focusLon)];
      map.setView(focus, 15);
      L.marker(focus, { keyboard: false, title: element.dataset.focusTitle }).addTo(map)
        .bindTooltip(escapeHtml(element.dataset.focusTitle), { permanent: false });
    } else if (!element.dataset.pick) {
      fetch(config.hotspotsUrl).then((r) => r.json()).then((data) => {
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

      fetch(config.ideasUrl).then((r) => r.json()).then((data) => {
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
      const place = (latlng) => {
        const lat = Math.round(latlng.lat * 1e6) / 1e6;
        const lon = Math.round(latlng.lng * 1e6) / 1e6;
        latInput.value = lat;
        lonInput.value = lon;
        if (marker) marker.setLatLng([lat, lon]);
        else marker = L.marker([lat, lon], { keyboard: false }).addTo(map);
        const district = districtAt(lat, lon, districtFeatures);
        say(district ? text.placedIn.replace("%s", district) : text.placedOutside);
      };
      map.on("click", (event) => place(event.latlng));
      // Keyboard: arrows pan the map (Leaflet), Enter or Space places the idea at the centre.
      element.addEventListener("keydown", (event) => {
        if ((event.key === "Enter" || event.key === " ") && event.target === element) {
          event.preventDefault();
          place(map.getCenter());
        }
      });
      const fromInputs = () => {
        const lat = parseFloat(latInput.value);
        const lon = parseFloat(lonInput.value);
        if (!Number.isNaN(lat) && !Number.isNaN(lon)) {
          if (marker) marker.setLatLng([lat, lon]);
          else marker = L.marker([lat, lon], { keyboard: false }).addTo(map);
        }
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
