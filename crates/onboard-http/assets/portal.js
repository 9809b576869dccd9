// Live help only: every form works without this file.
(function () {
  // Move focus to the error summary so that screen readers announce it first.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // Tick the password rules of the first-login form while the user types.
  var input = document.getElementById("password");
  var list = document.getElementById("password-rules");
  if (input && list) {
    var rules = {
      length: function (v) { return v.length >= 8; },
      upper: function (v) { return /[A-Z]/.test(v); },
      lower: function (v) { return /[a-z]/.test(v); },
      digit: function (v) { return /[0-9]/.test(v); }
    };
    var tick = function () {
      var items = list.querySelectorAll("li[data-rule]");
      for (var i = 0; i < items.length; i++) {
        var met = rules[items[i].getAttribute("data-rule")](input.value);
        items[i].classList.toggle("met", met);
      }
    };
    input.addEventListener("input", tick);
    tick();
  }

  // Step forms: fields that appear with their choice. Without JavaScript every field is
  // shown and the server ignores those whose choice is not made.
  var form = document.getElementById("step-form");
  if (form) {
    var chosen = function (name) {
      var values = [];
      var inputs = form.querySelectorAll('[name="' + name + '"]');
      for (var i = 0; i < inputs.length; i++) {
        var el = inputs[i];
        if ((el.type === "radio" || el.type === "checkbox") ? el.checked : el.value) values.push(el.value);
      }
      return values;
    };
    var conditional = form.querySelectorAll("[data-when]");
    var show = function () {
      for (var i = 0; i < conditional.length; i++) {
        var el = conditional[i];
        var wanted = el.getAttribute("data-when-values").split(" ");
        var have = chosen(el.getAttribute("data-when"));
        // A field under a hidden field is hidden too.
        var source = form.querySelector('[name="' + el.getAttribute("data-when") + '"]');
        var parent = source && source.closest("[data-when]");
        el.hidden = !have.some(function (v) { return wanted.indexOf(v) >= 0; }) || (parent && parent.hidden);
      }
    };
    form.addEventListener("change", show);
    show();
    show();

    // The "0/140" counter of a text limited in characters (code points, as the server counts).
    var counters = form.querySelectorAll("[data-counter-for]");
    Array.prototype.forEach.call(counters, function (counter) {
      var area = document.getElementById(counter.getAttribute("data-counter-for"));
      var limit = parseInt(counter.getAttribute("data-limit"), 10);
      var update = function () {
        var n = Array.from(area.value).length;
        counter.textContent = n + "/" + limit + (n > limit ? " (เกิน " + (n - limit) + " ตัวอักษร)" : "");
        counter.classList.toggle("error-message", n > limit);
      };
      area.addEventListener("input", update);
      update();
    });

    // Previews of the images chosen, before they are uploaded.
    var pickers = form.querySelectorAll("input[type=file][data-preview]");
    Array.prototype.forEach.call(pickers, function (picker) {
      var box = form.querySelector('[data-previews-for="' + picker.id + '"]');
      picker.addEventListener("change", function () {
        box.textContent = "";
        Array.prototype.forEach.call(picker.files, function (file) {
          if (!/^image\/(png|jpeg)$/.test(file.type)) return;
          var reader = new FileReader();
          reader.onload = function () {
            var img = document.createElement("img");
            img.src = reader.result;
            img.alt = "ภาพตัวอย่างของ " + file.name + " (ยังไม่ได้อัปโหลด)";
            box.appendChild(img);
          };
          reader.readAsDataURL(file);
        });
      });
    });
  }
})();
