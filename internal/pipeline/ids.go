package pipeline

import "hash/maphash"

// An idIndex numbers article ids in the order they were added and finds an
// id's number. A pipeline keeps the id of every article it ever placed, to
// tell a repeat from news; as strings in a slice and a map they cost about
// 150 bytes each at a million articles, and most of the garbage
// collector's work, which had to follow every one of them. Here an id costs
// its bytes and about 12 more, in three arrays without pointers.
type idIndex struct {
	bytes []byte   // the ids, end to end
	ends  []uint32 // where id i ends in bytes
	// slots is an open-addressing hash table of id numbers plus one; 0 is
	// an empty slot. It is kept at most half full.
	slots []uint32
	seed  maphash.Seed
}

// len returns how many ids were added.
func (x *idIndex) len() int { return len(x.ends) }

// id returns id number i.
func (x *idIndex) id(i int) string {
	start := uint32(0)
	if i > 0 {
		start = x.ends[i-1]
	}
	return string(x.bytes[start:x.ends[i]])
}

// find returns the number of id, if it was added.
func (x *idIndex) find(id string) (int, bool) {
	if len(x.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(x.slots) - 1)
	for h := maphash.String(x.seed, id) & mask; ; h = (h + 1) & mask {
		n := x.slots[h]
		if n == 0 {
			return 0, false
		}
		if x.equal(int(n-1), id) {
			return int(n - 1), true
		}
	}
}

// add adds an id that find does not know and returns its number.
func (x *idIndex) add(id string) int {
	if 2*(len(x.ends)+1) > len(x.slots) {
		x.grow()
	}
	i := len(x.ends)
	x.bytes = append(x.bytes, id...)
	x.ends = append(x.ends, uint32(len(x.bytes)))
	x.place(i, id)
	return i
}

func (x *idIndex) equal(i int, id string) bool {
	start := uint32(0)
	if i > 0 {
		start = x.ends[i-1]
	}
	return string(x.bytes[start:x.ends[i]]) == id // compiled without a copy
}

// place puts id number i in its slot.
func (x *idIndex) place(i int, id string) {
	mask := uint64(len(x.slots) - 1)
	h := maphash.String(x.seed, id) & mask
	for x.slots[h] != 0 {
		h = (h + 1) & mask
	}
	x.slots[h] = uint32(i + 1)
}

// grow doubles the table and places every id again.
func (x *idIndex) grow() {
	if len(x.slots) == 0 {
		x.seed = maphash.MakeSeed()
	}
	x.slots = make([]uint32, max(1024, 2*len(x.slots)))
	start := uint32(0)
	for i, end := range x.ends {
		x.place(i, string(x.bytes[start:end]))
		start = end
	}
}
