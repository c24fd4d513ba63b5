// Okabe–Ito colours: safe for the common colour-vision deficiencies and distinct in
// greyscale print when paired with the dash patterns used in the charts.
export const palette = {
  blue: "#0072b2",
  orange: "#e69f00",
  vermillion: "#d55e00",
  green: "#009e73",
  sky: "#56b4e9",
  yellow: "#f0e442",
  purple: "#cc79a7",
  grey: "#7a7a7a",
  ink: "#333333"
};
