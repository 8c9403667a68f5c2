// Small helpers for the plan page: a 20-minute ice/heat timer and a sitting-break reminder.
// Everything works without them; they only add reminders.
(function () {
  "use strict";
  function status(text) {
    var out = document.querySelector(".timer-status");
    if (out) { out.textContent = text; }
  }
  function notify(text) {
    status(text);
    if ("Notification" in window && Notification.permission === "granted") {
      new Notification("backcare", { body: text });
    }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.timer, button.reminder");
    if (!button) { return; }
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission();
    }
    var minutes = parseInt(button.dataset.minutes, 10) || 20;
    if (button.classList.contains("timer")) {
      var end = Date.now() + minutes * 60000;
      clearInterval(window.backcareTimer);
      window.backcareTimer = setInterval(function () {
        var left = Math.max(0, Math.round((end - Date.now()) / 1000));
        var text = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
        status("Time left: " + text + ". Then take it off for at least 20 minutes.");
        if (left === 0) {
          clearInterval(window.backcareTimer);
          notify("Time to take the ice or heat off. Rest the skin for at least 20 minutes.");
        }
      }, 1000);
    } else {
      clearInterval(window.backcareReminder);
      window.backcareReminder = setInterval(function () {
        notify("You have been sitting for 30 minutes: stand up, move and stretch.");
      }, minutes * 60000);
      status("Reminder on: every " + minutes + " minutes while this page is open.");
    }
  });
})();
