// Filters and search for the incident history. The page works without it: every incident is listed.
'use strict'
document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('filters')
  const list = document.getElementById('incident-list')
  if (!form || !list) return
  form.hidden = false
  const cards = Array.from(list.querySelectorAll('.incident-card'))
  const count = form.querySelector('.filter-count')
  const none = document.getElementById('no-results')
  // Search text per card: its visible text plus services and tags, lower-cased once.
  const texts = new Map(
    cards.map((card) => [card, `${card.textContent} ${card.dataset.tags || ''}`.toLowerCase().replace(/\s+/g, ' ')]),
  )
  const params = new URLSearchParams(location.search)
  for (const field of form.elements) if (field.name && params.has(field.name)) field.value = params.get(field.name)

  function apply() {
    const data = new FormData(form)
    const q = String(data.get('q') || '').toLowerCase().trim()
    const words = q.split(/\s+/).filter(Boolean)
    const want = { severity: data.get('severity'), service: data.get('service'), year: data.get('year'), status: data.get('status') }
    let shown = 0
    for (const card of cards) {
      const d = card.dataset
      const ok =
        (!want.severity || d.severity === want.severity) &&
        (!want.service || d.services.split(' ').includes(want.service)) &&
        (!want.year || d.year === want.year) &&
        (!want.status || d.status === want.status) &&
        words.every((w) => texts.get(card).includes(w))
      card.hidden = !ok
      if (ok) shown++
    }
    if (count) count.textContent = shown === cards.length ? `${cards.length} incidents` : `${shown} of ${cards.length} incidents`
    if (none) none.hidden = shown !== 0
    const next = new URLSearchParams()
    for (const [key, value] of data) if (value) next.set(key, String(value))
    // Keep the filters in the address so a filtered view can be shared (not possible on file://).
    try {
      history.replaceState(null, '', next.size ? `?${next}` : location.pathname)
    } catch {
      // file:// pages may not rewrite their address; the filters still work.
    }
  }
  form.addEventListener('input', apply)
  form.addEventListener('submit', (event) => event.preventDefault())
  apply()
})
