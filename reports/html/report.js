// loadgate HTML report: draws the charts from the run's data embedded in the page.
// Errors are recorded into the page (body[data-script-errors]) and each drawn chart is marked
// (data-drawn), so a headless browser test can check both from the DOM alone.
"use strict";
(function () {
  const errors = [];
  window.onerror = function (message, source, line) {
    errors.push(message + " (line " + line + ")");
    document.body.dataset.scriptErrors = String(errors.length);
    const box = document.getElementById("script-errors");
    box.style.display = "block";
    box.textContent = "Chart errors: " + errors.join("; ");
  };
  document.body.dataset.scriptErrors = "0";

  const data = JSON.parse(document.getElementById("run-data").textContent);
  const NS = "http://www.w3.org/2000/svg";
  const PALETTE = ["#2f6fdb", "#d9480f", "#2b8a3e", "#9c36b5", "#0b7285", "#e67700", "#5f3dc4",
                   "#c2255c"];
  const W = 540, H = 230, M = { left: 52, right: 12, top: 16, bottom: 28 };

  function el(name, attributes, parent) {
    const node = document.createElementNS(NS, name);
    for (const key in attributes) node.setAttribute(key, attributes[key]);
    if (parent) parent.appendChild(node);
    return node;
  }
  function text(parent, x, y, content, attributes) {
    const node = el("text", Object.assign({ x: x, y: y }, attributes || {}), parent);
    node.textContent = content;
    return node;
  }
  function niceTicks(max, count) {
    if (!(max > 0)) return [0, 1];
    const raw = max / count, power = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
    const ticks = [0];  // up to the first tick at or above the maximum: nothing drawn off the top
    while (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
    return ticks;
  }
  function logTicks(min, max) {
    const ticks = [];
    for (let v = Math.pow(10, Math.floor(Math.log10(min))); v <= max * 10; v *= 10) ticks.push(v);
    return ticks;
  }
  function formatTick(v) {
    if (v >= 1000) return (v / 1000) + "k";
    return String(Math.round(v * 1000) / 1000);
  }

  // series: [{name, points: [[x, y]], dashed}]; options: {yLabel, log, xLabel, xTicks, windows}
  function lineChart(container, series, options) {
    const drawable = series.filter((s) => s.points.some((p) => p[1] !== null));
    if (drawable.length === 0) {
      container.insertAdjacentHTML("beforeend",
        '<div class="empty">' + (options.empty || "nothing to draw") + "</div>");
      container.dataset.drawn = "empty";
      return;
    }
    const svg = el("svg", { viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "none",
                            role: "img" }, container);
    const xs = [], ys = [];
    drawable.forEach((s) => s.points.forEach((p) => {
      if (p[1] === null) return;
      xs.push(p[0]);
      if (!options.log || p[1] > 0) ys.push(p[1]);
    }));
    const xMin = options.xMin !== undefined ? options.xMin : Math.min.apply(null, xs);
    const xMax = Math.max(options.xMax || 0, Math.max.apply(null, xs));
    const yMaxRaw = Math.max.apply(null, ys.concat([0]));
    const plotW = W - M.left - M.right, plotH = H - M.top - M.bottom;
    let yTicks, yScale;
    if (options.log) {
      const yMin = Math.max(Math.min.apply(null, ys.length ? ys : [1]), 1e-3);
      yTicks = logTicks(yMin, Math.max(yMaxRaw, yMin * 10));
      const lo = Math.log10(yTicks[0]), hi = Math.log10(yTicks[yTicks.length - 1]);
      yScale = (v) => M.top + plotH - (Math.log10(Math.max(v, yTicks[0])) - lo) / (hi - lo) * plotH;
    } else {
      yTicks = niceTicks(yMaxRaw, 4);
      const top = yTicks[yTicks.length - 1] || 1;
      yScale = (v) => M.top + plotH - v / top * plotH;
    }
    const xScale = options.xScale ||
      ((v) => M.left + (xMax > xMin ? (v - xMin) / (xMax - xMin) : 0.5) * plotW);
    (options.windows || []).forEach((w) => {
      const x0 = xScale(Math.max(w.start, xMin)), x1 = xScale(Math.min(w.end, xMax));
      if (x1 <= x0) return;
      const band = el("rect", { x: x0, y: M.top, width: Math.max(x1 - x0, 2), height: plotH,
                                class: "fault" }, svg);
      // The kind on the chart (windows sit side by side), the whole description on hover.
      el("title", {}, band).textContent = w.title;
      text(svg, x0 + 2, M.top + 10, w.label, { class: "fault-label" });
    });
    yTicks.forEach((v) => {
      const y = yScale(v);
      el("line", { x1: M.left, x2: W - M.right, y1: y, y2: y, class: "grid" }, svg);
      text(svg, M.left - 6, y + 4, formatTick(v), { "text-anchor": "end" });
    });
    (options.xTicks || niceTicks(xMax - xMin, 6).map((v) => v + xMin)).forEach((tick) => {
      const v = typeof tick === "object" ? tick.at : tick;
      if (v < xMin || v > xMax) return;
      text(svg, xScale(v), H - M.bottom + 16,
           typeof tick === "object" ? tick.label : formatTick(v), { "text-anchor": "middle" });
    });
    el("line", { x1: M.left, x2: M.left, y1: M.top, y2: M.top + plotH, class: "axis" }, svg);
    el("line", { x1: M.left, x2: W - M.right, y1: M.top + plotH, y2: M.top + plotH,
                 class: "axis" }, svg);
    text(svg, 4, 10, options.yLabel || "");
    text(svg, W - M.right, H - 2, options.xLabel || "", { "text-anchor": "end" });
    const legend = document.createElement("div");
    legend.className = "legend";
    drawable.forEach((s, i) => {
      const colour = s.colour || PALETTE[i % PALETTE.length];
      let d = "", pen = false;
      s.points.forEach((p) => {
        if (p[1] === null || (options.log && p[1] <= 0)) { pen = false; return; }
        d += (pen ? "L" : "M") + xScale(p[0]).toFixed(1) + "," + yScale(p[1]).toFixed(1);
        pen = true;
      });
      const path = el("path", { d: d, stroke: colour,
                                class: "series" + (s.dashed ? " dashed" : "") }, svg);
      el("title", {}, path).textContent = s.name;
      const key = document.createElement("span");
      key.style.setProperty("--c", colour);
      key.textContent = s.name;
      legend.appendChild(key);
    });
    container.appendChild(legend);
    container.dataset.drawn = "true";
    container.dataset.series = String(drawable.length);
  }

  const windows = data.faults.map((f) => ({ start: f.start, end: f.end, label: f.label,
                                            title: f.title }));
  const timeOptions = { xLabel: "seconds into the run", windows: windows, xMin: 0,
                        xMax: data.duration };
  function perWorkload(field, transform, suffix, dashed) {
    return data.workloads.map((name, i) => ({
      name: name + (suffix || ""), colour: PALETTE[i % PALETTE.length], dashed: dashed,
      points: data.timeline.map((p) => [p.t, transform(p.w[name] || null, p)]),
    }));
  }
  // The release gate's baseline, grey and dashed: field is "throughput", "p50" or "p99".
  function baseline(field, suffix) {
    if (!data.baseline) return [];
    return data.workloads.filter((name) => data.baseline[name] && data.baseline[name][field])
      .map((name) => ({ name: name + " baseline" + suffix, colour: "#999", dashed: true,
                        points: data.baseline[name][field] }));
  }
  function draw(id, build) {
    const container = document.getElementById(id);
    if (!container) return;
    build(container);
  }

  draw("chart-throughput", (c) => lineChart(c,
    perWorkload("ok", (w, p) => (w ? w.ok / p.length : null)).concat(baseline("throughput", "")),
    Object.assign({ yLabel: "successes/s" }, timeOptions)));
  draw("chart-latency", (c) => lineChart(c,
    perWorkload("p99", (w) => (w && w.p99 > 0 ? w.p99 : null), " p99")
      .concat(perWorkload("p50", (w) => (w && w.p50 > 0 ? w.p50 : null), " p50", true))
      .concat(baseline("p99", " p99")),
    Object.assign({ yLabel: "latency ms (log)", log: true }, timeOptions)));
  draw("chart-errors", (c) => lineChart(c,
    perWorkload("errors", (w, p) => (w ? w.errors / p.length : null)),
    Object.assign({ yLabel: "errors/s", empty: "no errors" }, timeOptions)));
  const notObserved = "the deployment was not observed in this run";
  const gauges = (group) => data.gauges[group].map((g) => ({ name: g.name, points: g.points }));
  draw("chart-connections", (c) => lineChart(c, gauges("connections"),
    Object.assign({ yLabel: "connections", empty: notObserved }, timeOptions)));
  draw("chart-waits", (c) => lineChart(c, gauges("waits"),
    Object.assign({ yLabel: "ms", empty: notObserved }, timeOptions)));
  draw("chart-cpu", (c) => lineChart(c, gauges("cpu"),
    Object.assign({ yLabel: "% of a core", empty: notObserved }, timeOptions)));
  // Percentile distribution: x is 1/(1-q) on a log scale, as HdrHistogram plots it.
  draw("chart-distribution", (c) => {
    const ticks = [50, 90, 99, 99.9, 99.99].map((q) => ({ at: Math.log10(100 / (100 - q)),
                                                         label: q + "%" }));
    lineChart(c, data.distribution.map((d, i) => ({
      name: d.name, colour: PALETTE[data.workloads.indexOf(d.name) % PALETTE.length],
      points: d.points.map((p) => [Math.log10(100 / (100 - p[0])), p[1]]),
    })), { yLabel: "latency ms (log)", log: true, xLabel: "percentile", xTicks: ticks,
           xMin: 0, xMax: 4, empty: "no successful request" });
  });
  document.body.dataset.chartsDrawn =
    String(document.querySelectorAll(".chart[data-drawn]").length);
})();
