// Messages made outside the extension reach the user in their language: the name rules and the
// launcher format through the translator the extension sets, the helper's errors travel as parts.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { HelperError } from '../../src/client/types';
import { mapIpError } from '../../src/helper/pure/ipErrors';
import { english, setTranslator, type Translator } from '../../src/core/messages';
import { validateInterfaceName, validateNamespaceName } from '../../src/core/validate';

const root = path.resolve(__dirname, '..', '..', '..');
const ko = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
// What vscode.l10n.t does with a loaded bundle: look the template up, then fill the holes.
const korean: Translator = (template, args) => english(ko[template] ?? template, args);

describe('messages in the user language', () => {
  after(() => setTranslator(english));

  it('formats name-rule messages in English by default and through the translator once set', () => {
    assert.equal(validateNamespaceName('a/b'), 'A namespace name cannot contain "/" (it becomes a file name in /run/netns). Remove it.');
    setTranslator(korean);
    assert.equal(validateNamespaceName('a/b'), '네임스페이스 이름은 /run/netns의 파일 이름이 되므로 슬래시("/")를 쓸 수 없습니다. 지우세요.');
    assert.equal(validateInterfaceName('a'.repeat(16)), '"aaaaaaaaaaaaaaaa"은(는) 16바이트인데, 인터페이스 이름은 최대 15바이트입니다. 더 짧은 이름을 고르세요.');
    setTranslator(english);
  });

  it('sends helper errors in English with parts the extension shows translated', () => {
    const body = mapIpError({ op: 'moveLink', name: 'veth-b', from: null, to: 'ns1' }, 'Cannot find device "veth-b"', () => 'ns2');
    assert.equal(body.message, '"veth-b" is not in the host namespace (it may have been moved or deleted). It is now in namespace "ns2". Refresh the view and try again.');
    setTranslator(korean);
    assert.equal(
      new HelperError(body).message,
      '"veth-b"은(는) 호스트 네임스페이스에 없습니다(이동되었거나 삭제되었을 수 있습니다). 지금은 네임스페이스 "ns2"에 있습니다. 보기를 새로 고친 뒤 다시 시도하세요.',
    );
    setTranslator(english);
    assert.equal(new HelperError(body).message, body.message);
  });
});
