// Decision table editor (dmn-js) on the modeler page: kept out of the page so the CSP allows no inline script.
document.addEventListener('DOMContentLoaded', async () => {
  const T = JSON.parse(document.getElementById('text-data').textContent);
  const lang = document.documentElement.lang === 'en' ? 'en' : 'zh';
  const fill = (template, values) => template.replace(/{(\w+)}/g, (_, k) => (values[k] !== undefined ? values[k] : ''));
  const labels = { additionalModules: [{ translate: ['value', window.PowerflowLabels.translator(lang)] }] };
  // each view takes its own modules (dmn-js drops `common.additionalModules`)
  const modeler = new DmnJS({ container: '#dmn', drd: labels, decisionTable: labels, literalExpression: labels,
    boxedExpression: labels });
  window.powerflowDmn = modeler;
  const status = document.getElementById('status'), problems = document.getElementById('problems');
  const button = document.getElementById('deploy-table');
  try {
    await modeler.importXML(JSON.parse(document.getElementById('dmn-xml').textContent));
    const table = modeler.getViews().find((v) => v.type === 'decisionTable');
    if (table) await modeler.open(table);
  } catch (err) {
    status.textContent = T.cannot_open + err.message;
  }
  document.getElementById('dmn').dispatchEvent(new Event('powerflow:opened'));  // modeler_files.js: open, download
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = T.deploying;
    problems.replaceChildren();
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const response = await fetch(location.pathname, { method: 'POST', headers: { 'Content-Type': 'application/json',
        'X-CSRFToken': document.querySelector('meta[name=csrf-token]').content }, body: JSON.stringify({ xml }) });
      const body = await response.json().catch(() => ({ error: T.bad_reply }));
      if (response.ok) {
        status.textContent = body.deployed.length
          ? fill(T.deployed, { list: body.deployed.map((d) => fill(T.version, d)).join('、') }) : T.unchanged;
      } else {
        status.textContent = T.refused;
        for (const [where, message] of Object.entries(body.errors || { '': body.error || T.bad_reply })) {
          const li = document.createElement('li'); li.textContent = (where ? where + '：' : '') + message; problems.append(li);
        }
      }
    } catch (err) {
      status.textContent = T.network;
    } finally {
      button.disabled = false;
    }
  });
});
