// Task forms: select-all for long choice lists, and a confirmation before actions that send work back.
document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-select-all]').forEach((button) => {
    const boxes = () => button.closest('fieldset').querySelectorAll('input[type=checkbox]');
    const label = () => {
      const all = [...boxes()].every((box) => box.checked);
      button.textContent = all ? button.dataset.none : button.dataset.all;
    };
    button.addEventListener('click', () => {
      const all = [...boxes()].every((box) => box.checked);
      boxes().forEach((box) => { box.checked = !all; });
      label();
    });
    boxes().forEach((box) => box.addEventListener('change', label));
    label();
  });
  document.querySelectorAll('form[data-confirm]').forEach((form) => {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
