// Check chosen files before they are sent: a refused upload should never cost the user what they typed.
// Limits come from the page: data-max-bytes (each file), data-max-files and the accept list on
// <input type=file>, data-max-total on its form; messages from data-msg-* ({name}, {mb}, {n} filled in).
(function () {
  const MB = 1024 * 1024;

  function fill(template, values) {
    return (template || '').replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
  }

  function accepted(input, file) {
    const list = (input.getAttribute('accept') || '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    if (!list.length) return true;
    const name = file.name.toLowerCase();
    return list.some((kind) => (kind.startsWith('.') ? name.endsWith(kind) : kind === (file.type || '').toLowerCase()));
  }

  function problems(input) {
    const d = input.dataset;
    const files = Array.from(input.files || []);
    const each = Number(d.maxBytes) || 0;
    const total = Number((input.form && input.form.dataset.maxTotal) || 0);
    const found = [];
    if (d.maxFiles && files.length > Number(d.maxFiles)) found.push(fill(d.msgCount, { n: d.maxFiles }));
    files.forEach((file) => {
      if (!accepted(input, file)) found.push(fill(d.msgType, { name: file.name }));
      else if (!file.size) found.push(fill(d.msgEmpty, { name: file.name }));
      else if (each && file.size > each) {
        found.push(fill(d.msgSize, { name: file.name, size: (file.size / MB).toFixed(1), mb: Math.floor(each / MB) }));
      }
    });
    const sum = files.reduce((n, file) => n + file.size, 0);
    if (!found.length && total && sum > total) found.push(fill(d.msgTotal, { mb: Math.floor(total / MB) }));
    return found;
  }

  function messageFor(input) {
    const id = (input.getAttribute('aria-describedby') || '').split(' ')[0];
    let box = id && document.getElementById(id);
    if (!box) {
      box = document.createElement('p');
      box.className = 'error';
      box.id = (input.id || input.name) + '-upload-error';
      box.setAttribute('role', 'alert');
      input.insertAdjacentElement('afterend', box);
      input.setAttribute('aria-describedby', box.id);
    }
    return box;
  }

  function check(input) {
    const found = problems(input);
    const box = messageFor(input);
    const field = input.closest('.field');
    if (found.length) {
      box.textContent = found.join('；');
      box.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      if (field) field.classList.add('has-error');
    } else if (box.dataset.client === '1' || input.files.length) {
      box.textContent = '';
      box.hidden = true;
      input.removeAttribute('aria-invalid');
      if (field) field.classList.remove('has-error');
    }
    box.dataset.client = found.length ? '1' : '';
    return !found.length;
  }

  document.addEventListener('change', (event) => {
    const input = event.target;
    if (input.matches && input.matches('input[type=file][data-max-bytes]')) check(input);
  });

  document.addEventListener('submit', (event) => {
    const inputs = event.target.querySelectorAll('input[type=file][data-max-bytes]');
    const bad = Array.from(inputs).filter((input) => !check(input));
    if (bad.length) {
      event.preventDefault();
      bad[0].focus();
    }
  }, true);
})();
