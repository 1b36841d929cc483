// Flowcharts: natural size with zoom (in, out, fit), the current step brought into view on load and after each
// refresh, the step list open on phones, and the "as drawn" BPMN view marked with the matter's states.
(function () {
  'use strict';
  const STEP = 1.25, MIN = 0.15, MAX = 4, PHONE = '(max-width: 600px)';
  const STATES = ['completed', 'current', 'waiting', 'error'];

  function size(svg) {  // graphviz writes width/height in pt; a CSS pixel is 3/4 pt
    if (!svg.dataset.w) {
      const box = svg.viewBox && svg.viewBox.baseVal;
      const px = (value, fallback) => {
        const n = parseFloat(value);
        if (!n) return fallback;
        return /pt$/.test(value) ? n * 4 / 3 : n;
      };
      svg.dataset.w = px(svg.getAttribute('width'), box ? box.width : 800);
      svg.dataset.h = px(svg.getAttribute('height'), box ? box.height : 400);
    }
    return [parseFloat(svg.dataset.w), parseFloat(svg.dataset.h)];
  }

  function scaleOf(chart) { return parseFloat(chart.dataset.scale || '1'); }

  function apply(chart) {
    const svg = chart.querySelector('svg');
    if (!svg) return;
    const [w, h] = size(svg), s = scaleOf(chart);
    svg.style.width = (w * s) + 'px';
    svg.style.height = (h * s) + 'px';
    const level = chart.parentElement.querySelector('.zoom-level');
    if (level) level.textContent = Math.round(s * 100) + '%';
  }

  function focus(chart, smooth) {
    const canvas = chart.querySelector('[data-focus]');
    const id = canvas && canvas.dataset.focus;
    const node = id && document.getElementById('el_' + id);
    if (!node) return false;
    const n = node.getBoundingClientRect(), c = chart.getBoundingClientRect();
    chart.scrollTo({
      left: chart.scrollLeft + n.left - c.left - (chart.clientWidth - n.width) / 2,
      top: chart.scrollTop + n.top - c.top - (chart.clientHeight - n.height) / 2,
      behavior: smooth ? 'smooth' : 'auto',
    });
    chart.dataset.focused = id;
    return true;
  }

  function zoom(chart, how) {
    const svg = chart.querySelector('svg');
    if (!svg) return;
    if (how === 'focus') { focus(chart, true); return; }
    const old = scaleOf(chart), [w] = size(svg);
    let next = how === 'in' ? old * STEP : how === 'out' ? old / STEP : (chart.clientWidth - 2) / w;
    next = Math.min(MAX, Math.max(MIN, next));
    // keep the point in the middle of the view where it is
    const cx = (chart.scrollLeft + chart.clientWidth / 2) / old, cy = (chart.scrollTop + chart.clientHeight / 2) / old;
    chart.dataset.scale = String(next);
    apply(chart);
    chart.scrollLeft = cx * next - chart.clientWidth / 2;
    chart.scrollTop = cy * next - chart.clientHeight / 2;
  }

  function setUpChart(chart) {
    apply(chart);
    focus(chart, false);
    const tools = chart.parentElement.querySelector('.chart-tools');
    if (tools) {
      tools.addEventListener('click', (event) => {
        const button = event.target.closest('button[data-zoom]');
        if (button) zoom(chart, button.dataset.zoom);
      });
    }
  }

  // The "as drawn" view: bpmn-js loaded on first use, then marked like the swimlane chart.
  let viewer = null, marked = [];

  function loadViewer(el) {
    if (window.BpmnJS) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = el.dataset.viewer;
      script.onload = resolve;
      script.onerror = () => reject(new Error(el.dataset.viewer));
      document.head.appendChild(script);
    });
  }

  async function markStates(el) {
    const response = await fetch(el.dataset.states, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(response.status);
    const states = await response.json();
    const canvas = viewer.get('canvas'), registry = viewer.get('elementRegistry'), overlays = viewer.get('overlays');
    marked.forEach(([id, marker]) => canvas.removeMarker(id, marker));
    overlays.remove({ type: 'pf-holder' });
    marked = [];
    const mark = (id, marker) => { canvas.addMarker(id, marker); marked.push([id, marker]); };
    Object.entries(states.elements).forEach(([id, state]) => {
      if (registry.get(id) && STATES.includes(state)) mark(id, 'pf-' + state);
    });
    const taken = new Set(states.flows.map(([source, target]) => source + '>' + target));
    registry.filter((e) => e.type === 'bpmn:SequenceFlow').forEach((flow) => {
      const bo = flow.businessObject;
      if (bo.sourceRef && bo.targetRef && taken.has(bo.sourceRef.id + '>' + bo.targetRef.id)) mark(flow.id, 'pf-taken');
    });
    Object.entries(states.holders).forEach(([id, who]) => {
      if (!registry.get(id)) return;
      const label = document.createElement('span');
      label.className = 'pf-holder';
      label.textContent = who;
      overlays.add(id, 'pf-holder', { position: { bottom: 4, left: 0 }, html: label });
    });
  }

  async function showDrawn(el) {
    if (viewer) return;
    try {
      await loadViewer(el);
      viewer = new window.BpmnJS({ container: el });
      const response = await fetch(el.dataset.xml, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(response.status);
      await viewer.importXML(await response.text());
      viewer.get('canvas').zoom('fit-viewport', 'auto');
      await markStates(el);
      el.dataset.ready = '1';
    } catch (err) {
      el.textContent = (el.dataset.failed || '无法显示原图：') + err.message;
    }
  }

  function setUpTabs(tablist) {
    const tabs = Array.from(tablist.querySelectorAll('[role=tab]'));
    tablist.addEventListener('click', (event) => {
      const chosen = event.target.closest('[role=tab]');
      if (!chosen) return;
      tabs.forEach((tab) => {
        const on = tab === chosen;
        tab.setAttribute('aria-selected', on ? 'true' : 'false');
        document.getElementById(tab.getAttribute('aria-controls')).hidden = !on;
      });
      const drawn = document.getElementById(chosen.getAttribute('aria-controls')).querySelector('.as-drawn');
      if (drawn) showDrawn(drawn);
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.querySelectorAll('.chart').forEach((chart) => { if (chart.querySelector('svg')) setUpChart(chart); });
    document.querySelectorAll('.chart-views[role=tablist]').forEach(setUpTabs);
    if (window.matchMedia(PHONE).matches) document.querySelectorAll('details.steps').forEach((d) => { d.open = true; });
  });

  // htmx replaced a live chart's canvas: keep the zoom; follow the current step only when it moved.
  document.addEventListener('htmx:afterSwap', (event) => {
    const chart = event.target;
    if (!chart.classList || !chart.classList.contains('chart')) return;
    apply(chart);
    const canvas = chart.querySelector('[data-focus]');
    if (canvas && canvas.dataset.focus !== chart.dataset.focused) focus(chart, true);
    const drawn = document.querySelector('.as-drawn[data-ready]');
    if (drawn && viewer) markStates(drawn).catch(() => {});
  });
})();
