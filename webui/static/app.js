// Bring the current step into view on wide flowcharts.
document.addEventListener('DOMContentLoaded', () => {
  const chart = document.querySelector('.chart[data-focus]');
  const node = chart && chart.dataset.focus && document.getElementById('el_' + chart.dataset.focus);
  if (node) {
    chart.scrollLeft += node.getBoundingClientRect().left - chart.getBoundingClientRect().left - chart.clientWidth / 3;
  }
});
