// The chart palette: Okabe–Ito (Okabe & Ito 2008), told apart with protanopia,
// deuteranopia and tritanopia, and distinct in greyscale print when paired with the dash
// patterns used in the charts. Roles: blue = the series (units, sources), orange = the
// scoped unit, grey = 市直 / not ranked, green = target line, vermillion = floor line and
// warnings, ink = the city line. Colour never carries meaning alone (dashboards/README.md,
// "Conventions"). Mirrored as --sc-* in style.css.
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
