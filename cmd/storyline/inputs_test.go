package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"storyline/internal/store"
)

// storyFile is a small input: four articles of two stories.
const storyFile = "testdata/story.jsonl"

// TestReadInputsLogs checks what readInputs logs of each kind of problem:
// an article whose invalid UTF-8 was replaced is kept, and logged as
// repaired, not as skipped input.
func TestReadInputsLogs(t *testing.T) {
	tests := []struct {
		name, file, content string
		arts                int
		want, notWant       string
		missing             bool
	}{
		{"invalid UTF-8 in text", "bad.txt", "date 2019-11-26\nFloods \xff in Venice as the tide peaks.", 1, `msg="repaired input"`, `msg="skipped input"`, false},
		{"invalid UTF-8 in JSON lines", "bad.jsonl", "{\"id\":\"x\",\"text\":\"Floods \xff in Venice.\"}\n", 1, `msg="repaired input"`, `msg="skipped input"`, false},
		{"broken line", "broken.jsonl", "{\"id\":\"x\",\n", 0, `msg="skipped input"`, `msg="repaired input"`, false},
		{"missing path", "", "", 0, `msg="skipped input"`, `msg="repaired input"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "nothing-here")
			if !tt.missing {
				path = filepath.Join(t.TempDir(), tt.file)
				if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var log bytes.Buffer
			defer slog.SetDefault(slog.Default())
			slog.SetDefault(slog.New(slog.NewTextHandler(&log, nil)))
			arts, err := readInputs([]string{path})
			if len(arts) != tt.arts {
				t.Errorf("%d articles, want %d", len(arts), tt.arts)
			}
			if tt.missing != (err != nil) {
				t.Errorf("err = %v, want an error: %v", err, tt.missing)
			}
			if !strings.Contains(log.String(), tt.want) || strings.Contains(log.String(), tt.notWant) {
				t.Errorf("log lacks %s or has %s:\n%s", tt.want, tt.notWant, log.String())
			}
			if !strings.Contains(log.String(), filepath.Base(path)) {
				t.Errorf("log does not name %s:\n%s", path, log.String())
			}
		})
	}
}

// TestMissingPathFails checks that a path that does not exist, given beside
// one that does, makes run and ingest fail naming it, after they have
// processed the other.
func TestMissingPathFails(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.jsonl")
	db := filepath.Join(t.TempDir(), "store.db")
	tests := []struct {
		name   string
		args   []string
		output string // what the good path's processing prints
		stored int    // articles in db afterwards
	}{
		{"run", []string{"run", storyFile, missing}, "Storyline s1", 0},
		{"ingest", []string{"ingest", "--quiet", "--db", db, storyFile, missing}, "4 articles added", 4},
		{"ingest, missing path alone", []string{"ingest", "--quiet", "--db", db, missing}, "", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := execute(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), "input not found: "+missing) {
				t.Errorf("err = %v, want one naming %s", err, missing)
			}
			if !strings.Contains(out, tt.output) {
				t.Errorf("output lacks %q:\n%s", tt.output, out)
			}
			if tt.stored == 0 {
				return
			}
			st, err := store.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if stats, err := st.Stats(context.Background()); err != nil || stats.Articles != tt.stored {
				t.Errorf("the store holds %d articles (%v), want %d", stats.Articles, err, tt.stored)
			}
		})
	}
}
