// Live regions: an element with data-live-url is fetched again every two seconds and its content replaced.
// Polling pauses while the tab is hidden; keyboard focus inside a region survives the swap (elements keep their ids).
'use strict';

(() => {
  const periodMs = 2000;
  const status = document.getElementById('live-status');

  const setStatus = (text, failing) => {
    if (status) {
      status.textContent = text;
      status.classList.toggle('failing', failing);
    }
  };

  const refresh = async (region) => {
    if (!document.hidden) {
      try {
        const response = await fetch(region.dataset.liveUrl, {
          headers: { 'X-Requested-With': 'XMLHttpRequest' },
          credentials: 'same-origin',
          cache: 'no-store',
        });
        if (response.status === 401) {
          // Signed out (elsewhere, or the admin key changed): back to the sign-in, then here again.
          location.assign('/admin/sign-in?ReturnUrl=' + encodeURIComponent(location.pathname + location.search));
          return;
        }

        if (!response.ok) {
          throw new Error(`HTTP ${response.status}`);
        }

        const html = await response.text();
        const focused = region.contains(document.activeElement) ? document.activeElement.id : '';
        region.innerHTML = html;
        if (focused) {
          document.getElementById(focused)?.focus();
        }

        setStatus('Live · updated ' + new Date().toLocaleTimeString(), false);
      } catch {
        setStatus('Not updating: the server did not answer; retrying', true);
      }
    }

    setTimeout(() => refresh(region), periodMs);
  };

  for (const region of document.querySelectorAll('[data-live-url]')) {
    setTimeout(() => refresh(region), periodMs);
  }
})();
