// The page's words in the user's language, from the JSON data island the server renders (Flask-Babel).
let words = null;

export function t(key, params = {}) {
  if (words === null) {
    const island = document.getElementById('designer-text');
    words = island ? JSON.parse(island.textContent) : {};
  }
  const template = words[key] || key;
  return template.replace(/%\((\w+)\)s/g, (_match, name) => (name in params ? String(params[name]) : ''));
}
