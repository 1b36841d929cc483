/* A Camunda 7 or Camunda 8 (Zeebe) diagram opened on the process page (modeler_files.js) is converted by the server
   first, as POST /api/v1/designs/import converts it; its report says what became of each extension. */
(function () {
  'use strict';

  const FOREIGN = ['http://camunda.org/schema/1.0/bpmn', 'http://camunda.org/schema/zeebe/1.0'];
  const SHOWN = 80;  // characters of an original value in a list item; the API gives it in full
  const fill = (template, values) => template.replace(/{(\w+)}/g, (_, k) => (values[k] !== undefined ? values[k] : ''));

  function foreign(text) {
    return FOREIGN.some((ns) => text.includes(ns));
  }

  // The server's answer {dialect_name, bpmn_xml, report, problems}, or an Error in the page's words.
  async function convert(url, name, text, S) {
    const csrf = document.querySelector('meta[name=csrf-token]').content;
    const body = { bpmn_xml: text };
    if (/^[^/\\]+\.bpmn$/.test(name)) body.filename = name;  // the server takes only such names
    let response;
    try {
      response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf },
        body: JSON.stringify(body) });
    } catch (err) {
      throw new Error(S.network);
    }
    const answer = await response.json().catch(() => null);
    if (!answer) throw new Error(S.bad_reply);
    if (!response.ok) throw new Error(Object.values(answer.errors || {}).join('；') || answer.error || S.bad_reply);
    return answer;
  }

  function where(entry) {
    if (!entry.element) return '';
    return (entry.name && entry.name !== entry.element ? entry.name + '（' + entry.element + '）' : entry.element) + ' ';
  }

  function item(parts) {
    const li = document.createElement('li');
    for (const part of parts) {
      if (typeof part === 'string') { li.append(part); continue; }
      const label = document.createElement('span');
      label.className = 'pf-outcome pf-' + part.outcome;
      label.textContent = part.text;
      li.append(label, ' ');
    }
    return li;
  }

  // The report box's heading and lists: what was not converted or only reported, each with why; the converted ones
  // folded away, one line each.
  function report(S, name, answer) {
    const entries = answer.report || [];
    const of = (outcome) => entries.filter((e) => e.outcome === outcome);
    const mapped = of('mapped'), notMapped = of('not_mapped'), reported = of('reported');
    const head = fill(S.imported, { file: name, dialect: answer.dialect_name, mapped: mapped.length,
      not_mapped: notMapped.length, reported: reported.length });
    const nodes = [];
    if (notMapped.length || reported.length) {
      const ul = document.createElement('ul');
      for (const e of notMapped.concat(reported)) {
        const original = e.outcome === 'not_mapped' && e.original
          ? ' “' + (e.original.length > SHOWN ? e.original.slice(0, SHOWN - 1) + '…' : e.original) + '”' : '';
        ul.append(item([{ outcome: e.outcome, text: e.outcome === 'not_mapped' ? S.not_mapped : S.reported },
          where(e) + e.attribute + original + (e.why ? '：' + e.why : '')]));
      }
      nodes.push(ul);
    }
    if (mapped.length) {
      const details = document.createElement('details'), summary = document.createElement('summary');
      const ul = document.createElement('ul');
      summary.textContent = fill(S.mapped, { n: mapped.length });
      for (const e of mapped) ul.append(item([where(e) + e.attribute + (e.became ? ' → ' + e.became : '')]));
      details.append(summary, ul);
      nodes.push(details);
    }
    return { head: head, nodes: nodes, warn: notMapped.length > 0 || reported.length > 0,
      marked: notMapped.map((e) => e.element).filter(Boolean) };
  }

  window.PowerflowImport = { foreign: foreign, convert: convert, report: report };
})();
