package cluster

import (
	"reflect"
	"testing"
)

// revising returns a placer that revises only when told to.
func revising() *Placer {
	cfg := DefaultConfig()
	cfg.ReviseWindow, cfg.ReviseEvery = 50, 1<<30
	return NewPlacer(cfg)
}

// force places a report in event (a new one for -1), as a wrong early
// decision would, and returns the event.
func force(p *Placer, r report, event int) int {
	d := r.doc()
	p.seq++
	p.observe(d)
	f := p.prepare(d, true)
	if event < 0 {
		event = p.newEvent()
	}
	p.add(p.events[event], d.Date, &f)
	p.remember(d, event, &f)
	return event
}

func TestReviseMovesAMisplacedReport(t *testing.T) {
	p := revising()
	hanoi := force(p, hanoiAP, -1)
	force(p, hanoiUndated, hanoi)
	fires := force(p, fire, -1)
	force(p, fireLocal, fires)
	force(p, hanoiReuters, fires) // wrong
	p.revise()
	moves := p.Moves()
	if len(moves) != 1 || moves[0].Article != hanoiReuters.id || moves[0].From != fires || moves[0].To != hanoi || moves[0].Merged {
		t.Fatalf("moves %+v, want %s moved from %d to %d", moves, hanoiReuters.id, fires, hanoi)
	}
	if got := p.events[fires].live.size; got != 2 {
		t.Errorf("the fire event has %d members, want 2", got)
	}
	p.revise()
	if again := p.Moves(); len(again) != 0 {
		t.Errorf("a second revision moved %+v: decisions should be settled", again)
	}
}

func TestReviseSplitsAReportThatFitsNowhere(t *testing.T) {
	p := revising()
	hanoi := force(p, hanoiAP, -1)
	force(p, hanoiReuters, hanoi)
	force(p, hanoiUndated, hanoi)
	force(p, rates, hanoi) // wrong, and like nothing else
	p.revise()
	moves := p.Moves()
	if len(moves) != 1 || moves[0].Article != rates.id || !moves[0].New || moves[0].To == hanoi {
		t.Fatalf("moves %+v, want %s split into a new event", moves, rates.id)
	}
}

func TestReviseMergeKeepsTheOlderID(t *testing.T) {
	p := revising()
	older := force(p, hanoiAP, -1)
	younger := force(p, hanoiReuters, -1)
	force(p, hanoiUndated, younger)
	p.revise()
	moves := p.Moves()
	if len(moves) != 1 || !moves[0].Merged || moves[0].From != younger || moves[0].To != older {
		t.Fatalf("moves %+v, want event %d merged into the older %d", moves, younger, older)
	}
	if p.events[younger].Hot() || p.events[older].live.size != 3 {
		t.Errorf("merged event hot %v, the older has %d members", p.events[younger].Hot(), p.events[older].live.size)
	}
	// The merged event is out of the index: a report of the same summit
	// finds the older one only.
	pl := p.Place(hanoiAP.doc())
	if pl.Event != older {
		t.Errorf("a later report joined %d, want %d", pl.Event, older)
	}
}

func TestRevisionIsDeterministic(t *testing.T) {
	run := func() []Move {
		cfg := DefaultConfig()
		cfg.ReviseWindow, cfg.ReviseEvery, cfg.ReviseMargin = 10, 2, 0
		p := NewPlacer(cfg)
		var all []Move
		for _, r := range []report{hanoiUndated, fire, rates, hanoiAP, fireLocal, drill, hanoiReuters} {
			p.Place(r.doc())
			all = append(all, p.Moves()...)
		}
		return all
	}
	if a, b := run(), run(); !reflect.DeepEqual(a, b) {
		t.Errorf("two runs moved differently:\n%+v\n%+v", a, b)
	}
}
