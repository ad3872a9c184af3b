// Training curves as d2l's Animator draws them (train loss, train acc and test acc against the
// epoch) and the history they are drawn from. Nothing here loads the native addon, so plots can be
// made from a saved history on a machine without it.
export { TrainingHistory, EpochRecord, EpochRecordJSON } from './history';
export { writeCurvesSvg, CurvesSvgOptions, svgUnavailable } from './svg';
export { terminalChart, TerminalChartOptions } from './terminal';
