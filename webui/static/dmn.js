// Decision table editor (dmn-js) on the modeler page: kept out of the page so the CSP allows no inline script.
document.addEventListener('DOMContentLoaded', async () => {
  const modeler = new DmnJS({ container: '#dmn' });
  window.powerflowDmn = modeler;
  await modeler.importXML(JSON.parse(document.getElementById('dmn-xml').textContent));
  const table = modeler.getViews().find((v) => v.type === 'decisionTable');
  if (table) await modeler.open(table);
  const status = document.getElementById('status'), problems = document.getElementById('problems');
  document.getElementById('deploy-table').addEventListener('click', async () => {
    const { xml } = await modeler.saveXML({ format: true });
    const response = await fetch(location.pathname, { method: 'POST', headers: { 'Content-Type': 'application/json',
      'X-CSRFToken': document.querySelector('meta[name=csrf-token]').content }, body: JSON.stringify({ xml }) });
    const body = await response.json();
    problems.replaceChildren();
    if (response.ok) {
      status.textContent = body.deployed.length ? '已发布：' + body.deployed.map((d) => d.name + ' 第 ' + d.version + ' 版').join('、') : '内容未变';
    } else {
      status.textContent = '未发布';
      for (const [where, message] of Object.entries(body.errors || { '': body.error })) {
        const li = document.createElement('li'); li.textContent = where + '：' + message; problems.append(li);
      }
    }
  });
});
