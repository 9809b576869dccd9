// Live help only: every form works without this file.
(function () {
  // Move focus to the error summary so that screen readers announce it first.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // Tick the password rules of the first-login form while the user types.
  var input = document.getElementById("password");
  var list = document.getElementById("password-rules");
  if (!input || !list) return;
  var rules = {
    length: function (v) { return v.length >= 8; },
    upper: function (v) { return /[A-Z]/.test(v); },
    lower: function (v) { return /[a-z]/.test(v); },
    digit: function (v) { return /[0-9]/.test(v); }
  };
  function update() {
    var items = list.querySelectorAll("li[data-rule]");
    for (var i = 0; i < items.length; i++) {
      var met = rules[items[i].getAttribute("data-rule")](input.value);
      items[i].classList.toggle("met", met);
    }
  }
  input.addEventListener("input", update);
  update();
})();
