// Which office a page belongs to: the default office's pages live at the root (/kiosk, /book),
// another office's under /o/<slug>/ (the page says so in <html data-office-base>). Every address
// a page builds for its own office goes through `at`.
export const officeBase = () => (globalThis.document && document.documentElement.dataset.officeBase) || "";
export const at = (path) => officeBase() + path;
