/** The Luhn sum of a string of digits, the last one counted as the check digit. */
function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum;
}

/** A SIREN is nine digits whose Luhn checksum is valid (INSEE). */
export function isValidSiren(value: string): boolean {
  return /^\d{9}$/.test(value) && luhnSum(value) % 10 === 0;
}

/** Eight digits and the Luhn digit that makes them a valid SIREN. */
export function sirenWithChecksum(eight: string): string {
  if (!/^\d{8}$/.test(eight)) throw new Error(`a SIREN starts with eight digits, not ${eight}`);
  const check = (10 - (luhnSum(`${eight}0`) % 10)) % 10;
  return `${eight}${check}`;
}
