// Asks the waiting page's status at the pace the site asks for, updates the text in place (no reload, no flash),
// and follows the status to the app once signed in, or to the sign-in page once the place is gone.
(() => {
  'use strict';
  const page = document.getElementById('sg-waiting');
  if (!page) {
    return;
  }

  const position = document.getElementById('sg-position');
  const estimate = document.getElementById('sg-estimate');
  let delay = Number(page.dataset.pollSeconds) * 1000;

  const show = (element, text) => {
    // Only real changes, so a screen reader is not told the same sentence every few seconds.
    if (element.textContent !== text) {
      element.textContent = text;
    }
  };

  const ask = async () => {
    try {
      const response = await fetch(page.dataset.status, { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' });
      const status = await response.json();
      if (status.location) {
        window.location.replace(status.location);
        return;
      }

      show(position, status.position);
      if (status.place) {
        // A tab in the background still shows how far along the user is.
        document.title = `${status.place} in line · Waiting for a seat`;
      }

      show(estimate, status.estimate ?? '');
      delay = status.pollAfterSeconds * 1000;
    } catch {
      // A dropped connection: try again at the same pace, well within the ticket's timeout.
    }

    window.setTimeout(ask, delay);
  };

  window.setTimeout(ask, delay);
})();
