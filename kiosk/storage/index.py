"""Where each booking lives: built from the day files, kept current by file signature."""


class BookingIndex:
    """booking_id, op_id, lease unit and 求職番号 -> the booking and its day file."""

    def __init__(self):
        self.sigs = {}       # day -> signature of the file this index reflects
        self.by_day = {}     # day -> {booking_id: (doc_id, jobseeker_no, [op_ids], lease_unit_id)}
        self.booking = {}    # booking_id -> (day, doc_id)
        self.op = {}         # op_id -> booking_id
        self.lease = {}      # lease_unit_id -> booking_id
        self.jobseeker = {}  # jobseeker_no -> {booking_id}
        self.revision = {}   # booking_id -> length of its history (a moved booking's newer copy is longer)

    def forget(self, day):
        for booking_id, (_, no, ops, lease) in self.by_day.pop(day, {}).items():
            self._unlink(booking_id, no, ops, lease)
        self.sigs.pop(day, None)

    def _unlink(self, booking_id, no, ops, lease):
        self.booking.pop(booking_id, None)
        self.revision.pop(booking_id, None)
        for op_id in ops:
            self.op.pop(op_id, None)
        if lease:
            self.lease.pop(lease, None)
        if no and no in self.jobseeker:
            self.jobseeker[no].discard(booking_id)

    def add(self, day, doc_id, record) -> bool:
        """Index a record; False when it is the stale copy of a booking moved to another day.

        A booking moved to another day is written to its new day first and then removed from the
        old one; after a crash between the two writes the copy with the longer history wins.
        """
        booking_id = record["booking_id"]
        revision = len(record.get("history", ()))
        elsewhere = self.booking.get(booking_id)
        if elsewhere and elsewhere[0] != day:
            if self.revision.get(booking_id, 0) > revision:
                return False
            self._unlink(booking_id, *self.by_day[elsewhere[0]].pop(booking_id)[1:])
        previous = self.by_day.get(day, {}).get(booking_id)
        if previous:
            self._unlink(booking_id, *previous[1:])
        self.revision[booking_id] = revision
        no, lease = record.get("jobseeker_no"), record.get("lease_unit_id")
        ops = list(record.get("receipts", {}))
        self.by_day.setdefault(day, {})[booking_id] = (doc_id, no, ops, lease)
        self.booking[booking_id] = (day, doc_id)
        for op_id in ops:
            self.op[op_id] = booking_id
        if lease:
            self.lease[lease] = booking_id
        if no:
            self.jobseeker.setdefault(no, set()).add(booking_id)
        return True

    def lives_on(self, booking_id, day) -> bool:
        where = self.booking.get(booking_id)
        return where is not None and where[0] == day
