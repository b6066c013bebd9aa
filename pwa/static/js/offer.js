// What the kiosk may offer: online, the server's free units plus its own leases; offline,
// only units it holds a valid lease for (by its clock corrected with the last known offset).

/** Leases still usable: not past their expiry, not already used by an op in the outbox. */
export function usableLeases(leases, outboxOps, now) {
  const used = new Set(outboxOps.map((op) => op.payload && op.payload.lease_unit_id).filter(Boolean));
  return leases.filter((l) => !used.has(l.lease_unit_id) && new Date(l.expires_at) > now);
}

/** Days as the time screen shows them: [{date, open, reason, bookable, slots: [{start, free, lease}]}]. */
export function offeredDays(calendar, leases, online, now) {
  return calendar.map((day) => {
    const mine = leases.filter((l) => l.start.startsWith(day.date));
    const bookable = day.open && (day.cutoff ? now < new Date(day.cutoff) : false);
    const slots = (day.slots || []).map((slot) => {
      const held = mine.filter((l) => l.start === slot.start);
      const free = (online && bookable ? slot.free : 0) + held.length;
      return { start: slot.start, free, lease: held[0] || null };
    });
    const reason = day.open ? (bookable ? null : "cutoff") : day.reason;
    return { date: day.date, open: day.open, bookable, reason, slots };
  });
}
