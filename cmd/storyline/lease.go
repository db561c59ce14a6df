package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"storyline/internal/store"
)

// errLeaseLost ends a command whose writer lease may have passed to another
// process: it must not commit any more.
var errLeaseLost = errors.New("the store's writer lease was lost (its database connection failed)")

// waitFlag adds --wait to a command that takes the store's writer lease.
func waitFlag(cmd *cobra.Command) *bool {
	return cmd.Flags().Bool("wait", false, "if another process writes the store, wait for it to finish instead of failing")
}

// takeWriterLease takes the writer lease of the store at dsn for command
// (see store.WriterLease), before the store is opened, so that a refused
// command changes nothing in it. Held by another process, the lease is
// refused with an error naming the holder, or with wait awaited as long as
// ctx allows.
func takeWriterLease(ctx context.Context, dsn, command string, wait bool) (*store.Lease, error) {
	who := store.NewHolder(command)
	lease, err := store.TryLock(ctx, dsn, store.WriterLease, who)
	locked, ok := errors.AsType[*store.LockedError](err)
	switch {
	case err == nil:
		return lease, nil
	case !ok:
		return nil, fmt.Errorf("taking the store's writer lease: %w", err)
	case !wait:
		return nil, fmt.Errorf("%w; use --wait or stop it", locked)
	}
	slog.Info("waiting for the store's writer lease", "holder", locked.Holder.String())
	lease, err = store.Lock(ctx, dsn, store.WriterLease, who)
	if err != nil {
		return nil, fmt.Errorf("waiting for the store's writer lease: %w", err)
	}
	return lease, nil
}

// whileHeld returns a context that ends, with errLeaseLost as its cause,
// when lease is lost.
func whileHeld(ctx context.Context, lease *store.Lease) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	go func() {
		select {
		case <-lease.Lost():
			cancel(errLeaseLost)
		case <-ctx.Done():
		}
	}()
	return ctx, func() { cancel(nil) }
}

// pauseEnv names the environment variable by which the tests stop a child
// process at a known point (see testPause).
const pauseEnv = "STORYLINE_TEST_PAUSE"

// testPause, when the environment variable STORYLINE_TEST_PAUSE equals
// point, writes "paused at POINT" to stderr and waits until stdin ends.
// The multi-process tests use it to hold a child where they need it (with
// the writer lease taken, or after its first committed batch) without
// polling against the child's pace, which loses the race on a loaded
// machine. Otherwise it costs one look at the environment.
func testPause(point string) {
	if os.Getenv(pauseEnv) != point {
		return
	}
	fmt.Fprintf(os.Stderr, "paused at %s\n", point)
	io.Copy(io.Discard, os.Stdin)
}
