// Setup page: the token lives in the URL fragment so it never reaches server logs or referrers.
const main = document.querySelector('main');
const form = document.getElementById('setup-form');
const token = new URLSearchParams(location.hash.slice(1)).get('token');

function show(id, message) {
  const el = document.getElementById(id);
  el.textContent = message ?? '';
}

if (!token) {
  show(
    'form-error',
    'This page needs the full setup link, including the part after #. Ask the operator for a new one (twofold setup-link).',
  );
  form.querySelector('button').disabled = true;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  for (const id of ['email-error', 'password-error', 'form-error']) show(id);
  const data = Object.fromEntries(new FormData(form));
  if (!data.displayName) delete data.displayName;
  if (String(data.password).length < 8) {
    show('password-error', 'Use at least 8 characters.');
    return;
  }
  const button = form.querySelector('button');
  button.disabled = true;
  try {
    const response = await fetch(`/t/${encodeURIComponent(main.dataset.tenant)}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...data, token }),
    });
    const body = await response.json();
    if (!response.ok) {
      const target =
        body.code === 'email_invalid' || body.code === 'user_exists'
          ? 'email-error'
          : body.code === 'password_invalid'
            ? 'password-error'
            : 'form-error';
      show(target, body.detail ?? 'Something went wrong. Try again.');
      return;
    }
    form.hidden = true;
    history.replaceState(null, '', location.pathname);
    document.getElementById('sign-in-link').href = body.signInUrl;
    document.getElementById('done').hidden = false;
  } catch {
    show('form-error', 'Could not reach the server. Check your connection and try again.');
  } finally {
    button.disabled = false;
  }
});
