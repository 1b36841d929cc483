// The BPMN viewer on a process page: kept out of the page so the CSP allows no inline script.
document.addEventListener('DOMContentLoaded', async () => {
  const el = document.getElementById('bpmn');
  const viewer = new BpmnJS({ container: el });
  const xml = await (await fetch(el.dataset.src)).text();
  try { await viewer.importXML(xml); viewer.get('canvas').zoom('fit-viewport'); }
  catch (err) { el.textContent = (el.dataset.failed || '无法显示 BPMN 图：') + err.message; }
});
