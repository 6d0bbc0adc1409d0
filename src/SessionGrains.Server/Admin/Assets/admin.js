// Live regions: an element with data-live-url is fetched again every two seconds and its content replaced.
// Polling pauses while the tab is hidden; keyboard focus inside a region survives the swap (elements keep their ids).
// Forms with data-confirm ask first; once a form is sent, the regions stay as they are. The sites filter applies as you type. Without scripts, every form still works.
'use strict';

(() => {
  const periodMs = 2000;
  const typingPauseMs = 250;
  const status = document.getElementById('live-status');
  const timers = new Map();
  const latest = new Map();
  // Set once a form is on its way: a region swapped after that would remove the form being sent.
  let leaving = false;

  const setStatus = (text, failing) => {
    if (status) {
      status.textContent = text;
      status.classList.toggle('failing', failing);
    }
  };

  // The page's times are UTC, 24-hour: so is this one.
  const utcTime = () => new Date().toISOString().slice(11, 19);

  const schedule = (region, delayMs) => {
    clearTimeout(timers.get(region));
    timers.set(region, setTimeout(() => refresh(region), delayMs));
  };

  const refresh = async (region) => {
    // Only the newest fetch of a region may fill it: an answer to an older address (before the filter changed) is dropped.
    const ticket = (latest.get(region) ?? 0) + 1;
    latest.set(region, ticket);
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
        if (latest.get(region) !== ticket || leaving) {
          return;
        }

        const focused = region.contains(document.activeElement) ? document.activeElement.id : '';
        region.innerHTML = html;
        if (focused) {
          document.getElementById(focused)?.focus();
        }

        setStatus('Live · updated ' + utcTime() + ' UTC', false);
      } catch {
        setStatus('Not updating: the server did not answer; retrying', true);
      }
    }

    if (latest.get(region) === ticket && !leaving) {
      schedule(region, periodMs);
    }
  };

  const startRefreshing = () => {
    leaving = false;
    for (const region of document.querySelectorAll('[data-live-url]')) {
      schedule(region, periodMs);
    }
  };

  startRefreshing();

  // Kicks and other forms that cannot be undone ask first (delegated: live regions replace their forms).
  // A form that goes stops the refreshing: the page it leads to is fresh anyway.
  document.addEventListener('submit', (event) => {
    const question = event.target.dataset?.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }

    leaving = true;
    for (const timer of timers.values()) {
      clearTimeout(timer);
    }
  });

  // Back to this page from the browser's history (its back-forward cache): live again.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) {
      startRefreshing();
    }
  });

  // The sites filter: the rows, the sort links and the address follow what is typed, without a reload.
  const filter = document.getElementById('filter');
  const rows = document.querySelector('#sites tbody[data-live-url]');
  if (filter && rows) {
    const withFilter = (href) => {
      const url = new URL(href, location.href);
      if (filter.value.trim()) {
        url.searchParams.set('q', filter.value.trim());
      } else {
        url.searchParams.delete('q');
      }

      return url.pathname + url.search;
    };

    let typing;
    filter.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(() => {
        rows.dataset.liveUrl = withFilter(rows.dataset.liveUrl);
        for (const link of document.querySelectorAll('#sites thead a')) {
          link.setAttribute('href', withFilter(link.getAttribute('href')));
        }

        history.replaceState(null, '', withFilter(location.href));
        refresh(rows);
      }, typingPauseMs);
    });
  }
})();
