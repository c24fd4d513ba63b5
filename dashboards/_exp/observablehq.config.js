export default { root: "src", title: "实验", globalStylesheets: [], footer: "", pages: [] };
