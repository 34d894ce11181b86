/* The calibration grid: a card's Move button, or dragging a card to another
   box, opens one dialog with the box, an optional exact rating and the
   reason (required). The form posts to the server like any other: without
   this script, Move opens the person's page, which has the same form. */
(function () {
  "use strict";
  var dialog = document.getElementById("move-dialog");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var entryInput = document.getElementById("move-entry");
  var versionInput = document.getElementById("move-version");
  var boxSelect = document.getElementById("move-box");
  var levelSelect = document.getElementById("move-level");
  var reason = document.getElementById("move-reason");
  var nameSlot = document.getElementById("move-dialog-name");
  var opener = null;
  var dragged = null;

  function open(card, box, trigger) {
    entryInput.value = card.dataset.entry;
    versionInput.value = card.dataset.version;
    if (box || card.dataset.box) {
      boxSelect.value = box || card.dataset.box;
    }
    levelSelect.value = "";
    reason.value = "";
    nameSlot.textContent = card.dataset.name;
    opener = trigger || null;
    dialog.showModal();
    (box ? reason : boxSelect).focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".cal-move");
    if (!button) {
      return;
    }
    event.preventDefault();
    open(button.closest(".cal-card"), null, button);
  });

  document.getElementById("move-cancel").addEventListener("click", function () {
    dialog.close();
  });

  dialog.addEventListener("close", function () {
    if (opener) {
      opener.focus();
    }
  });

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest('.cal-card[draggable="true"]');
    if (!card) {
      return;
    }
    dragged = card;
    event.dataTransfer.setData("text/plain", card.dataset.entry);
    event.dataTransfer.effectAllowed = "move";
  });

  document.addEventListener("dragend", function () {
    dragged = null;
    document.querySelectorAll(".cal-box-target").forEach(function (box) {
      box.classList.remove("cal-box-target");
    });
  });

  document.querySelectorAll(".cal-box[data-box]").forEach(function (box) {
    if (!box.dataset.box) {
      return;
    }
    box.addEventListener("dragover", function (event) {
      if (dragged) {
        event.preventDefault();
        box.classList.add("cal-box-target");
      }
    });
    box.addEventListener("dragleave", function () {
      box.classList.remove("cal-box-target");
    });
    box.addEventListener("drop", function (event) {
      event.preventDefault();
      box.classList.remove("cal-box-target");
      var card = dragged;
      dragged = null;
      if (!card || card.dataset.box === box.dataset.box) {
        return;
      }
      open(card, box.dataset.box, card.querySelector(".cal-move"));
    });
  });
})();
