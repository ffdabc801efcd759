// iamsim HTML report: renders the explanation of a clicked matrix cell from the JSON block
// #matrix-data. Text from input is only ever set through textContent.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("matrix-data").textContent);
  var panel = document.getElementById("explanation");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function label(arn) {
    var parts = arn.split(":");
    return parts.length >= 6 && (parts[2] === "iam" || parts[2] === "sts") ? parts.slice(5).join(":") : arn;
  }

  function row(dl, term, value) {
    if (value === undefined || value === null || value === "") return;
    dl.appendChild(el("dt", null, term));
    dl.appendChild(el("dd", null, value));
  }

  // The pattern that matched, and the element's other patterns.
  function matched(pattern, all) {
    if (!pattern) return all.join(", ");
    var others = all.filter(function (p) { return p !== pattern; });
    return pattern + " (matched)" + (others.length ? "; also: " + others.join(", ") : "");
  }

  function statement(d) {
    var box = el("dl", "stmt");
    var st = d.statement === null || d.statement === undefined ? null : data.statements[d.statement];
    row(box, "statement", d.name);
    row(box, "layer", d.layer);
    if (st) {
      row(box, "policy", st.id.policy);
      row(box, "Sid", st.id.sid);
      row(box, "effect", st.effect);
      row(box, st.action_element, matched(d.action_pattern, st.actions));
      if (st.resource_element) row(box, st.resource_element, matched(d.resource_pattern, st.resources));
      row(box, "conditions", st.conditions.length ? st.conditions.join(" AND ") : "none");
    } else {
      row(box, "note", "a rule of the service, not a policy statement");
    }
    return box;
  }

  function action(a) {
    var box = el("div", "action");
    var ev = a;
    box.appendChild(el("span", "name", a.action));
    box.appendChild(el("span", "badge " + ev.decision, ev.decision));
    a.deciding.forEach(function (d) { box.appendChild(statement(d)); });
    if (ev.decision === "ImplicitDeny" && !a.deciding.length) {
      box.appendChild(el("div", "note", ev.blocked_by ? "no statement of the " + ev.blocked_by + " layer allows it" : "no statement allows it"));
    } else if (ev.blocked_by) {
      box.appendChild(el("div", "note", "blocked by the " + ev.blocked_by + " layer"));
    }
    a.allowed_if.forEach(function (c) { box.appendChild(el("div", "note", "allowed if " + c)); });
    if (ev.missing_context.length) {
      box.appendChild(el("div", "note", "depends on context keys the request did not give: " + ev.missing_context.join(", ")));
    }
    return box;
  }

  // Every action of a cell: the ones listed in `x`, the others plain implicit denies.
  function actions(cell) {
    var listed = {};
    cell.x.forEach(function (a) { listed[a.i] = a; });
    return data.lists[cell.l].map(function (name, i) {
      var a = listed[i];
      if (!a) {
        return { action: name, decision: "ImplicitDeny", blocked_by: cell.b || null,
          deciding: [], allowed_if: [], missing_context: [] };
      }
      return { action: name, decision: a.d, blocked_by: a.b || null,
        deciding: (a.s || []).map(function (k) { return data.deciding[k]; }),
        allowed_if: (a.f || []).map(function (k) { return data.notes[k]; }),
        missing_context: a.m || [] };
    });
  }

  function cellOf(button) {
    return data.cells[Number(button.getAttribute("data-cell"))];
  }

  function summary(cell) {
    var all = actions(cell);
    var allowed = all.filter(function (a) { return a.decision === "Allow"; }).length;
    return label(data.principals[cell.p]) + ": " + cell.g + " on " + data.resources[cell.r].arn +
      ": " + allowed + " of " + all.length + " actions allowed";
  }

  function show(button) {
    var cell = cellOf(button);
    if (!cell) return;
    var prev = document.querySelector(".cell.selected");
    if (prev) prev.classList.remove("selected");
    button.classList.add("selected");
    var principal = data.principals[cell.p];
    var resource = data.resources[cell.r];
    var all = actions(cell);
    panel.textContent = "";
    panel.appendChild(el("h3", null, label(principal) + ": " + cell.g + " (" + cell.v + ")"));
    panel.appendChild(el("div", "arn", principal));
    panel.appendChild(el("div", "arn", "on " + resource.arn + (resource.alias ? " (" + resource.alias + ")" : "")));
    var allowed = all.filter(function (a) { return a.decision === "Allow"; });
    panel.appendChild(el("p", "count", allowed.length + " of " + all.length + " actions allowed"));
    var order = allowed.concat(all.filter(function (a) { return a.decision !== "Allow"; }));
    order.forEach(function (a) { panel.appendChild(action(a)); });
  }

  // Rows whose resource ARN or label holds the filter text (any case) stay visible.
  var filter = document.getElementById("filter");
  filter.addEventListener("input", function () {
    var needle = filter.value.trim().toLowerCase();
    document.querySelectorAll("table.matrix tbody tr").forEach(function (tr) {
      var th = tr.querySelector("th.resource");
      var text = ((th.getAttribute("data-resource") || "") + " " + th.textContent).toLowerCase();
      tr.hidden = needle !== "" && text.indexOf(needle) < 0;
    });
  });

  function isCell(t) {
    return t && t.classList && t.classList.contains("cell") && t.hasAttribute("data-cell");
  }

  document.addEventListener("click", function (e) {
    if (isCell(e.target)) show(e.target);
  });
  document.addEventListener("mouseover", function (e) {
    var t = e.target;
    if (isCell(t) && !t.title && cellOf(t)) t.title = summary(cellOf(t));
  });
})();
