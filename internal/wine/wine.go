// Package wine tells a test whether it runs under Wine, where some results are Wine's and not
// Windows' (see DESIGN.md): the tests say so instead of taking Wine for Windows.
package wine

// Env is set by scripts/with-wine.sh to its runner of Windows programs; the prefix it runs them
// in, Credential Manager included, is thrown away when the script ends.
const Env = "MEDIALAKE_TEST_WINE"
