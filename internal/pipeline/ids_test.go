package pipeline

import (
	"strconv"
	"testing"
)

func TestIDIndex(t *testing.T) {
	var x idIndex
	if _, ok := x.find("a"); ok {
		t.Fatal("an empty index found an id")
	}
	ids := []string{"", "a", "b", "é", "a-much-longer-id-than-the-others"}
	for i := range 5000 {
		ids = append(ids, "article-"+strconv.Itoa(i))
	}
	for i, id := range ids {
		if n := x.add(id); n != i {
			t.Fatalf("add(%q) = %d, want %d", id, n, i)
		}
		// Every id added so far is still found after each growth.
		if i%997 == 0 {
			for j, id := range ids[:i+1] {
				if n, ok := x.find(id); !ok || n != j {
					t.Fatalf("after %d ids, find(%q) = %d, %v, want %d", i+1, id, n, ok, j)
				}
			}
		}
	}
	for i, id := range ids {
		if got := x.id(i); got != id {
			t.Errorf("id(%d) = %q, want %q", i, got, id)
		}
	}
	for _, missing := range []string{"article-5000", "articl", "A", "article-1 "} {
		if n, ok := x.find(missing); ok {
			t.Errorf("find(%q) = %d, want none", missing, n)
		}
	}
	if x.len() != len(ids) {
		t.Errorf("len() = %d, want %d", x.len(), len(ids))
	}
}
