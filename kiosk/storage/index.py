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

    def forget(self, day):
        for booking_id, (_, no, ops, lease) in self.by_day.pop(day, {}).items():
            self._unlink(booking_id, no, ops, lease)
        self.sigs.pop(day, None)

    def _unlink(self, booking_id, no, ops, lease):
        self.booking.pop(booking_id, None)
        for op_id in ops:
            self.op.pop(op_id, None)
        if lease:
            self.lease.pop(lease, None)
        if no and no in self.jobseeker:
            self.jobseeker[no].discard(booking_id)

    def add(self, day, doc_id, record):
        booking_id = record["booking_id"]
        previous = self.by_day.get(day, {}).get(booking_id)
        if previous:
            self._unlink(booking_id, *previous[1:])
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
