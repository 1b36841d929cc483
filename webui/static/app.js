// Shared page behaviour; flowcharts (zoom, scroll to the current step) are in chart.js.
