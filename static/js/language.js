// The language switcher submits on change. A file rather than an onchange="" attribute:
// the Content-Security-Policy allows scripts from our own static files only.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[name=language]")) event.target.form.submit();
});
