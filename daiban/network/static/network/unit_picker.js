/* The unit picker (daiban/network/widgets.py): filter the units of a grouped <select> or checkbox list
 * as one types a name, pinyin initials (sfs → 司法所) or full pinyin. The pinyin comes from the server
 * (data-initials, data-pinyin on each option); nothing is fetched. Without this script the widgets are an
 * ordinary grouped select and checkbox list, and the search box stays hidden.
 *
 * Every widget renders a <script> tag for this file, so it guards against running twice.
 */
(function () {
  "use strict";
  if (window.daibanUnitPicker) {
    return;
  }
  window.daibanUnitPicker = true;

  function squash(text) {
    return (text || "").toLowerCase().replace(/\s+/g, "");
  }

  function matches(el, query, label) {
    if (!query) {
      return true;
    }
    return (
      squash(label).indexOf(query) !== -1 ||
      (el.getAttribute("data-initials") || "").indexOf(query) !== -1 ||
      (el.getAttribute("data-pinyin") || "").indexOf(query) !== -1
    );
  }

  function report(status, raw, count, ticked) {
    if (!raw.trim()) {
      status.textContent = "";
      status.hidden = true;
      return;
    }
    status.hidden = false;
    status.textContent =
      (count ? "找到 " + count + " 个单位" : "没有名称或拼音含“" + raw.trim() + "”的单位") +
      (ticked ? "；已选的 " + ticked + " 个单位仍然显示" : "");
    status.classList.toggle("unit-picker-none", !count);
  }

  /* A <select>: rebuilt from the original options on every keystroke (a hidden <option> is not hidden
   * in every browser's picker). The first match is selected when the current choice no longer matches. */
  function setUpSelect(root, filter, status) {
    var select = root.querySelector("select");
    if (!select) {
      return;
    }
    var original = Array.prototype.map.call(select.children, function (node) {
      return node.cloneNode(true);
    });
    function apply() {
      var query = squash(filter.value);
      var current = select.value;
      var first = "";
      var count = 0;
      var kept = false;
      select.textContent = "";
      function take(option, parent) {
        if (!matches(option, query, option.textContent)) {
          return;
        }
        parent.appendChild(option.cloneNode(true));
        count += 1;
        first = first || option.value;
        kept = kept || option.value === current;
      }
      original.forEach(function (node) {
        if (node.tagName === "OPTGROUP") {
          var group = node.cloneNode(false);
          Array.prototype.forEach.call(node.children, function (option) {
            take(option, group);
          });
          if (group.children.length) {
            select.appendChild(group);
          }
        } else if (node.value === "") {
          select.appendChild(node.cloneNode(true)); // "choose a unit" stays
        } else {
          take(node, select);
        }
      });
      select.value = kept && current ? current : query ? first : current;
      if (select.value !== current) {
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
      report(status, filter.value, count);
    }
    filter.addEventListener("input", apply);
  }

  /* A checkbox list: rows that do not match are hidden, except those already ticked; empty groups too. */
  function setUpCheckboxes(root, filter, status) {
    var rows = root.querySelectorAll("[data-unit-option]");
    var groups = root.querySelectorAll("[data-unit-group]");
    function apply() {
      var query = squash(filter.value);
      var count = 0;
      var ticked = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var box = row.querySelector("input");
        var hit = box !== null && matches(box, query, row.textContent);
        var kept = !hit && box !== null && box.checked;
        count += hit ? 1 : 0;
        ticked += kept ? 1 : 0;
        row.hidden = !(hit || kept);
      });
      Array.prototype.forEach.call(groups, function (group) {
        group.hidden = !group.querySelector("[data-unit-option]:not([hidden])");
      });
      report(status, filter.value, count, ticked);
    }
    filter.addEventListener("input", apply);
  }

  function setUp(root) {
    if (root.hasAttribute("data-unit-ready")) {
      return;
    }
    root.setAttribute("data-unit-ready", "");
    var filter = root.querySelector("[data-unit-filter]");
    var status = root.querySelector("[data-unit-status]");
    if (!filter || !status) {
      return;
    }
    filter.hidden = false;
    status.hidden = true;
    // Enter in the search box must not submit the form: it only closes the phone's keyboard.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        filter.blur();
      }
    });
    if (root.getAttribute("data-unit-picker") === "select") {
      setUpSelect(root, filter, status);
    } else {
      setUpCheckboxes(root, filter, status);
    }
  }

  function setUpAll(scope) {
    Array.prototype.forEach.call((scope || document).querySelectorAll("[data-unit-picker]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setUpAll(document);
    });
  } else {
    setUpAll(document);
  }
  document.addEventListener("htmx:load", function (event) {
    setUpAll(event.target);
  });
})();
