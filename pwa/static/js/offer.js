// What the kiosk may offer: while the server answers, its free units plus the kiosk's own leases;
// while it does not (offline, or online with no answer), only units the kiosk holds a valid lease
// for, by its clock corrected with the last known offset.

/** Leases still usable: not past their expiry, not already used by an op in the outbox. */
export function usableLeases(leases, outboxOps, now) {
  const used = new Set(outboxOps.map((op) => op.payload && op.payload.lease_unit_id).filter(Boolean));
  return leases.filter((l) => !used.has(l.lease_unit_id) && new Date(l.expires_at) > now);
}

/** Days as the time screen shows them: [{date, open, bookable, reason, slots: [{start, free, lease}]}].
 *  `reason` says why a day offers nothing: the calendar's, "cutoff", "full", or "not_here" (open and
 *  bookable, but the server does not answer and the kiosk holds no lease on it). */
export function offeredDays(calendar, leases, reachable, now) {
  return calendar.map((day) => {
    const mine = leases.filter((l) => l.start.startsWith(day.date));
    const bookable = day.open && (day.cutoff ? now < new Date(day.cutoff) : false);
    const slots = (day.slots || []).map((slot) => {
      const held = mine.filter((l) => l.start === slot.start);
      const free = (reachable && bookable ? slot.free : 0) + held.length;
      return { start: slot.start, free, lease: held[0] || null };
    });
    let reason = null;
    if (!day.open) reason = day.reason;
    else if (!bookable) reason = "cutoff";
    else if (!slots.some((s) => s.free > 0)) reason = reachable ? "full" : "not_here";
    return { date: day.date, open: day.open, bookable, reason, slots };
  });
}
