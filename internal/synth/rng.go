package synth

import (
	"math"
	"math/bits"
)

// rng is wyrand, a 64-bit generator of one word of state. The package keeps
// its own generator, rather than math/rand, so that a seed gives the same
// stream whatever the Go release: the standard library is free to change how
// its bounded draws consume randomness.
//
// For the same reason the generator does its arithmetic on integers where
// it can, and wraps each floating-point product that is then added to in an
// explicit float64 conversion: Go may otherwise fuse x*y+z into one
// instruction on some architectures and round differently.
type rng struct{ s uint64 }

// newRNG mixes seed and a stream number, so that generators for different
// purposes (the vocabulary, an article stream) never share a sequence.
func newRNG(seed, stream uint64) rng {
	r := rng{s: seed ^ (stream * 0x9e3779b97f4a7c15)}
	r.next()
	return r
}

func (r *rng) next() uint64 {
	r.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(r.s, r.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// intn returns a number in [0, n) by Lemire's multiply-shift; its bias,
// below n/2^64, does not matter here and it needs no rejection loop.
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// float returns a number in [0, 1). Scaling by a power of two is exact, so
// comparisons against it behave the same on every platform.
func (r *rng) float() float64 { return float64(r.next()>>11) * 0x1p-53 }

// permille is true with probability p/1000.
func (r *rng) permille(p int) bool { return r.intn(1000) < p }

// skewed returns an index in [0, n) biased towards 0 (the minimum of two
// uniform draws): the first words and actors of an event are its most
// characteristic ones, and should recur most.
func (r *rng) skewed(n int) int { return min(r.intn(n), r.intn(n)) }

// An alias is Vose's alias table: one draw from an arbitrary discrete
// distribution in constant time, which a binary search over a 50,000-word
// cumulative table (16 cache-missing steps per word) is not.
type alias struct {
	thresh []uint32 // keep index i when the low 32 bits are below thresh[i]
	other  []int32
}

func newAlias(w []float64) alias {
	n := len(w)
	a := alias{thresh: make([]uint32, n), other: make([]int32, n)}
	var sum float64
	for _, x := range w {
		sum += x
	}
	p := make([]float64, n)
	var small, large []int32
	for i, x := range w {
		p[i] = float64(x * float64(n) / sum)
		if p[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		a.thresh[s] = uint32(math.Min(p[s]*(1<<32), math.MaxUint32))
		a.other[s] = l
		p[l] = float64(p[l] + p[s] - 1)
		if p[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What is left is 1 up to rounding: always keep it.
	for _, i := range append(small, large...) {
		a.thresh[i] = math.MaxUint32
		a.other[i] = i
	}
	return a
}

func (a *alias) sample(r *rng) int {
	u := r.next()
	hi, _ := bits.Mul64(u, uint64(len(a.thresh)))
	if uint32(u) < a.thresh[hi] {
		return int(hi)
	}
	return int(a.other[hi])
}

// zipfWeights returns the Zipf–Mandelbrot weights (rank+q)^-s of n ranks.
func zipfWeights(n int, s, q float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = math.Pow(float64(i)+1+q, -s)
	}
	return w
}
