package cluster

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaultModelLoads(t *testing.T) {
	m := DefaultModel()
	if m.Join <= 0 || m.Join >= 1 || m.Trained == "" {
		t.Errorf("shipped model: join %v, trained %q", m.Join, m.Trained)
	}
}

func TestParseModelRefuses(t *testing.T) {
	good := *DefaultModel()
	tests := []struct {
		name   string
		change func(m *Model)
		want   string
	}{
		{"other features", func(m *Model) { m.Features = append([]string{"extra"}, m.Features[1:]...) }, "trained on features"},
		{"missing weight", func(m *Model) { m.Weights = m.Weights[1:] }, "weights"},
		{"join of 1", func(m *Model) { m.Join = 1 }, "join probability"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := good
			m.Features, m.Weights = append([]string(nil), good.Features...), append([]float64(nil), good.Weights...)
			tt.change(&m)
			b, _ := json.Marshal(m)
			if _, err := ParseModel(b); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
	if _, err := ParseModel([]byte("{")); err == nil {
		t.Error("broken JSON parsed")
	}
}

// syntheticChoices makes choices whose answer follows a rule the model can
// express: the candidate with the highest body cosine, if that is above
// 0.4 and its dates are less than a few days apart.
func syntheticChoices(n int, seed uint64) []Choice {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]Choice, n)
	for i := range out {
		k := 1 + rng.IntN(5)
		ch := Choice{Candidates: make([]FeatureVector, k), Priors: make([]float64, k), Answer: -1}
		best := float32(0.3)
		for j := range ch.Candidates {
			x := &ch.Candidates[j]
			x[fBody] = rng.Float32()
			x[fLead] = x[fBody] * (0.5 + rng.Float32())
			x[fGapGiven] = 3 * rng.Float32()
			if score := x[fBody] - 0.2*x[fGapGiven]; score > best {
				ch.Answer, best = j, score
			}
		}
		out[i] = ch
	}
	return out
}

func TestTrainLearnsARule(t *testing.T) {
	m, err := Train(syntheticChoices(3000, 1), 0.1, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Train(syntheticChoices(3000, 1), 0.1, 0.5)
	if !reflect.DeepEqual(m, again) {
		t.Error("training twice on the same choices gave two models")
	}
	right := 0
	test := syntheticChoices(1000, 2)
	for _, ch := range test {
		got, top := -1, 0.0
		for j := range ch.Candidates {
			if p := m.Probability(&ch.Candidates[j]); p >= m.Join && p > top {
				got, top = j, p
			}
		}
		if got == ch.Answer {
			right++
		}
	}
	if right < 900 {
		t.Errorf("%d of %d held-out choices right, want 900 or more", right, len(test))
	}
	if m.Weights[fBody] <= 0 || m.Weights[fGapGiven] >= 0 {
		t.Errorf("weights body %g, gap %g: want similarity to count for and time against", m.Weights[fBody], m.Weights[fGapGiven])
	}
}

func TestTrainRefusesOneSidedChoices(t *testing.T) {
	choices := syntheticChoices(100, 3)
	for i := range choices {
		choices[i].Answer = -1
	}
	if _, err := Train(choices, 1, 0.5); err == nil {
		t.Error("trained on choices that never join")
	}
}

func TestTextDatesYearsApartStayApart(t *testing.T) {
	// Two reports of one kind, dated only by their text two years apart: a
	// follow-up, not the event; the learned model is not asked.
	text := func(r report, date string) report {
		r.id, r.date = r.id+date, time.Time{}
		r.text = "On " + date + ", " + r.text
		return r
	}
	p := NewPlacer(DefaultConfig())
	first := text(hanoiAP, "February 28, 2019").doc()
	later := text(hanoiReuters, "March 2, 2021").doc()
	if first.EventDay.IsZero() || later.EventDay.IsZero() || first.DateSource == "given" {
		t.Fatalf("want dates read from the text: %v, %v", first.EventDay, later.EventDay)
	}
	p.Place(first)
	pl := p.Place(later)
	if !pl.New {
		t.Errorf("joined an event %0.f days earlier", pl.Best.DaysApart)
	}
	if pl.Best.Prior > -5 {
		t.Errorf("time prior %g for %0.f days: want it to outweigh identical text", pl.Best.Prior, pl.Best.DaysApart)
	}
}

func TestGivenDatePlacesTheDocument(t *testing.T) {
	// A report that came with its date recalls an earlier meeting in its
	// opening: the date it came with, not the recalled one, says where it
	// stands in time.
	p := NewPlacer(DefaultConfig())
	p.Place(hanoiAP.doc())
	d := hanoiReuters.doc()
	d.EventDay, d.EventDayConf = day(2018, 6, 12), 1 // as if it opened with the Singapore summit
	pl := p.Place(d)
	if pl.New || pl.Best.DaysApart > 1 {
		t.Errorf("new %v, %0.f days from the Hanoi event: want it joined by its own date", pl.New, pl.Best.DaysApart)
	}
	if day, _, _ := p.Event(0).Day(); !day.Equal(hanoiAP.date) && day.Sub(hanoiAP.date) > 24*time.Hour {
		t.Errorf("event day %v, want the summit's", day)
	}
}
