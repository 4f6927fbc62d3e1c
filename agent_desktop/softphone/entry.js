// The bundle's entry point: the page gets JsSIP as the global `JsSIP` (see package.json "build").
module.exports = require("jssip");
